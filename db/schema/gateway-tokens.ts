import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { RateLimitSetting } from "@/lib/limits/settings";
import { createdAt } from "./columns";
import { teams } from "./teams";
import { users } from "./users";

export const gatewayTokens = pgTable(
  "gateway_tokens",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first characters and last four, for recognising it in lists. */
    start: text("start").notNull(),
    last4: text("last4").notNull(),
    /** Gateway ids (not slugs) this token may use; null means every gateway of the team. */
    gatewayIds: text("gateway_ids").array(),
    /** The token's own rate limits, counted for this token alone on every gateway it may use. */
    rateLimits: jsonb("rate_limits").$type<RateLimitSetting[]>().notNull().default([]),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    /** Set on the playground's token of this user: only they see it in the token list. */
    playgroundUserId: text("playground_user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("gateway_tokens_team_idx").on(t.teamId)],
);

export type GatewayToken = typeof gatewayTokens.$inferSelect;
