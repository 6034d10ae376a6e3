import { bigint, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Hourly totals per team, gateway, provider and model; dashboards read these, never request_logs. */
export const usageRollups = pgTable(
  "usage_rollups",
  {
    teamId: text("team_id").notNull(),
    gatewayId: text("gateway_id").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    requests: integer("requests").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    cachedRequests: integer("cached_requests").notNull().default(0),
    tokensIn: bigint("tokens_in", { mode: "number" }).notNull().default(0),
    tokensOut: bigint("tokens_out", { mode: "number" }).notNull().default(0),
    tokensCached: bigint("tokens_cached", { mode: "number" }).notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    durationMsTotal: bigint("duration_ms_total", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.hour, t.gatewayId, t.provider, t.model] })],
);

export type UsageRollup = typeof usageRollups.$inferSelect;
