import type { Database } from "@/db/client";
import { budgetAlerts } from "@/db/schema";
import { uuidv7 } from "@/lib/ids";

/** A budget or spend-limit counter that reached its rule's alert threshold in a window. */
export interface BudgetAlertEvent {
  teamId: string;
  counter: string;
  /** The rule as refusals name it (`budget 'daily'`). */
  label: string;
  percent: number;
  windowStart: number;
  usedMicros: number;
  limitMicros: number;
}

/** Where admission records alerts; it never waits on one. */
export type AlertSink = (alert: BudgetAlertEvent) => Promise<void>;

/** Alerts as `budget_alerts` rows, once per counter, window and threshold however many instances see the crossing. */
export function budgetAlertSink(db: Database): AlertSink {
  return async (alert) => {
    await db
      .insert(budgetAlerts)
      .values({ id: uuidv7(), ...alert })
      .onConflictDoNothing();
  };
}
