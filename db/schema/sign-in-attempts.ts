import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Sign-in limits shared by every instance (lib/auth/rate-limit.ts): one row per limiter and key
 * (`email:…`, `ip:…`) holding the times of its recent hits, at most the limit's count of them.
 * Updating one row per key lets Postgres's row lock decide races between instances.
 */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    /** Which limit: `password` (failed passwords) or `magic-link` (links sent). */
    limiter: text("limiter").notNull(),
    key: text("key").notNull(),
    hits: timestamp("hits", { withTimezone: true, mode: "date" }).array().notNull(),
    /** When the newest hit leaves the window: after it the row says nothing and may be deleted. */
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.limiter, t.key] }), index("sign_in_attempts_expires_idx").on(t.expiresAt)],
);
