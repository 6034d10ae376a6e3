import { index, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { gateways } from "./gateways";
import { teams } from "./teams";

export const providerKeys = pgTable(
  "provider_keys",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    /** Null for a team-wide key; a gateway's own key wins over a team-wide one. */
    gatewayId: text("gateway_id").references(() => gateways.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    alias: text("alias").notNull().default("default"),
    /** Envelope-encrypted secret (lib/crypto/envelope.ts); team, provider and alias are its AAD. */
    secret: text("secret").notNull(),
    masterKeyVersion: text("master_key_version").notNull(),
    /** When the data key was last wrapped under a master key: on add, on rotation, on `keys rewrap`. */
    wrappedAt: timestamp("wrapped_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    secretStart: text("secret_start").notNull(),
    secretLast4: text("secret_last4").notNull(),
    /** Replaces the provider's base URL: self-hosted OpenAI-compatible servers, regional endpoints. */
    baseUrl: text("base_url"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    /** `ok` or `rejected` (the provider answered 401/403) for the last call that used this key. */
    lastStatus: text("last_status"),
  },
  (t) => [
    unique("provider_keys_scope_unique").on(t.teamId, t.gatewayId, t.provider, t.alias).nullsNotDistinct(),
    index("provider_keys_team_idx").on(t.teamId),
  ],
);

export type ProviderKey = typeof providerKeys.$inferSelect;
