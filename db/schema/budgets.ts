import { bigint, index, integer, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { gatewayTokens } from "./gateway-tokens";
import { gateways } from "./gateways";
import { teams } from "./teams";

export const budgetPeriodEnum = pgEnum("budget_period", ["daily", "weekly", "monthly", "rolling"]);

/**
 * A spending cap on the team (no gateway, no token), on one gateway, or on one token. Enforced by
 * reserving each request's worst-case cost before its call (lib/limits).
 */
export const budgets = pgTable(
  "budgets",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    gatewayId: text("gateway_id").references(() => gateways.id, { onDelete: "cascade" }),
    tokenId: text("token_id").references(() => gatewayTokens.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    limitMicros: bigint("limit_micros", { mode: "number" }).notNull(),
    period: budgetPeriodEnum("period").notNull(),
    /** The rolling window's length; null for calendar periods. */
    windowSeconds: integer("window_seconds"),
    /** Percent of the limit at which an alert is recorded once per period; null for none. */
    alertPercent: integer("alert_percent"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("budgets_team_idx").on(t.teamId)],
);

export type Budget = typeof budgets.$inferSelect;
