import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { gateways } from "./gateways";

/**
 * About how many log rows each gateway with a log limit (`log_management`) holds: the log writer
 * adds what it inserts, deletions subtract what they remove, and the maintenance loop counts again
 * now and then (lib/logs/log-limits.ts). Kept so that enforcing a limit never counts millions of rows per batch.
 */
export const gatewayLogCounts = pgTable("gateway_log_counts", {
  gatewayId: text("gateway_id")
    .primaryKey()
    .references(() => gateways.id, { onDelete: "cascade" }),
  teamId: text("team_id").notNull(),
  logged: bigint("logged", { mode: "number" }).notNull(),
  /** When `logged` was last counted from request_logs; null until it first is. */
  countedAt: timestamp("counted_at", { withTimezone: true, mode: "date" }),
});

export type GatewayLogCount = typeof gatewayLogCounts.$inferSelect;
