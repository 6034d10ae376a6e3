import { bigint, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { teams } from "./teams";

/** A budget or spend limit crossed its alert threshold: recorded once per counter, window and threshold. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    counter: text("counter").notNull(),
    /** The rule as its refusals name it (`budget 'daily'`). */
    label: text("label").notNull(),
    percent: integer("percent").notNull(),
    windowStart: bigint("window_start", { mode: "number" }).notNull(),
    usedMicros: bigint("used_micros", { mode: "number" }).notNull(),
    limitMicros: bigint("limit_micros", { mode: "number" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("budget_alerts_once_idx").on(t.counter, t.windowStart, t.percent), index("budget_alerts_team_idx").on(t.teamId, t.createdAt)],
);

export type BudgetAlert = typeof budgetAlerts.$inferSelect;
