import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { teams } from "./teams";

/**
 * The operator's grants of credits to a team (top-ups, and negative adjustments): the ledger's
 * credit side. Its use of operator keys is counted by the team's credits counter (limit_counters).
 */
export const creditGrants = pgTable(
  "credit_grants",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    amountMicros: bigint("amount_micros", { mode: "number" }).notNull(),
    note: text("note"),
    /** A user id, or null for the CLI. */
    grantedBy: text("granted_by"),
    createdAt: createdAt(),
  },
  (t) => [index("credit_grants_team_idx").on(t.teamId)],
);

export type CreditGrant = typeof creditGrants.$inferSelect;
