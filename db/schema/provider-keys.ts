import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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
    /** Keys sharing team, gateway, provider and alias form a pool that requests are spread across. */
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
    /** A pool's share of requests, relative to its other keys' weights: 1 each is round-robin. */
    weight: integer("weight").notNull().default(1),
    /** `ok` or `rejected` (the provider answered 401/403) for the last call that used this key; a rejected key is out of its pool until rotated. */
    lastStatus: text("last_status"),
  },
  (t) => [
    index("provider_keys_team_idx").on(t.teamId),
  ],
);

export type ProviderKey = typeof providerKeys.$inferSelect;
