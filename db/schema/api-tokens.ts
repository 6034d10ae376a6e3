import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { ApiTokenScope } from "@/lib/services/context";
import { createdAt } from "./columns";
import { roleEnum } from "./memberships";
import { teams } from "./teams";
import { users } from "./users";

/** Team API tokens for the management API (`Authorization: Bearer …`); gateway tokens are gateway_tokens. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first characters and last four, for recognising it in lists. */
    start: text("start").notNull(),
    last4: text("last4").notNull(),
    scopes: text("scopes").array().$type<ApiTokenScope[]>().notNull(),
    /** The most the token may do; at use, also no more than its creator's role then. */
    role: roleEnum("role").notNull(),
    /** Null for a token the operator (CLI) created. A user's tokens go with the user. */
    createdBy: text("created_by").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("api_tokens_team_idx").on(t.teamId)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
