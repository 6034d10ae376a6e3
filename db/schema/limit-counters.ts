import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

/**
 * What each limit has counted per window: requests, tokens or micro-dollars used, and what
 * requests still in flight have reserved. The ledger the dashboard reads; with Redis, the durable
 * copy of its budget counters.
 */
export const limitCounters = pgTable(
  "limit_counters",
  {
    /** The rule and its partition's bucket (lib/limits/rules.ts `counterKey`). */
    counter: text("counter").notNull(),
    /** Epoch milliseconds the window began; 0 for a counter that never resets (credits). */
    windowStart: bigint("window_start", { mode: "number" }).notNull(),
    used: bigint("used", { mode: "number" }).notNull().default(0),
    reserved: bigint("reserved", { mode: "number" }).notNull().default(0),
    /** After this the window no longer counts and the row may be deleted. */
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.counter, t.windowStart] }), index("limit_counters_expires_idx").on(t.expiresAt)],
);

export type LimitCounter = typeof limitCounters.$inferSelect;

/** One reserved amount of a reservation: released (and the actual charged) when its request settles. */
export interface ReservedCharge {
  counter: string;
  windowStart: number;
  amount: number;
}

/**
 * A request's reservation while it runs. Its instance renews the lease; one that stops (a crash, a
 * kill) lets it expire, and reconciliation charges it as reserved and deletes it.
 */
export const limitReservations = pgTable(
  "limit_reservations",
  {
    id: text("id").primaryKey(),
    instanceId: text("instance_id").notNull(),
    charges: jsonb("charges").$type<ReservedCharge[]>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("limit_reservations_expires_idx").on(t.expiresAt), index("limit_reservations_instance_idx").on(t.instanceId)],
);
