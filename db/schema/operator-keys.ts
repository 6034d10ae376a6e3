import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";

/**
 * Provider keys of the deployment's operator, usable by every team without keys of its own unless
 * the gateway is `byok_only` or the request says `cf-aig-no-wholesale`; their use is charged to the
 * team's credits. Pools by provider and alias, as team keys.
 */
export const operatorKeys = pgTable("operator_keys", {
  id: text("id").primaryKey(),
  provider: text("provider").notNull(),
  alias: text("alias").notNull().default("default"),
  /** Envelope-encrypted secret (lib/crypto/envelope.ts). */
  secret: text("secret").notNull(),
  masterKeyVersion: text("master_key_version").notNull(),
  wrappedAt: timestamp("wrapped_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  secretStart: text("secret_start").notNull(),
  secretLast4: text("secret_last4").notNull(),
  baseUrl: text("base_url"),
  weight: integer("weight").notNull().default(1),
  lastStatus: text("last_status"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
});

export type OperatorKey = typeof operatorKeys.$inferSelect;
