import { randomBytes } from "node:crypto";
import { eq, like, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { budgets, gatewayTokens, gateways, limitCounters, limitReservations, type Budget } from "@/db/schema";
import type { RateLimitSetting } from "@/lib/limits/settings";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { SeededTeam } from "./seed";

/**
 * The limits suites' settings, written straight to the database the way the services will write
 * them, through `changeDirectory` so that the running gateways see them at once.
 */
export function setGateway(db: Database, t: SeededTeam, patch: Partial<typeof gateways.$inferInsert>): Promise<unknown> {
  return changeDirectory(db, t.team.id, (tx) => tx.update(gateways).set(patch).where(eq(gateways.id, t.gateway.id)));
}

export function setTokenLimits(db: Database, t: SeededTeam, tokenId: string, rateLimits: RateLimitSetting[]): Promise<unknown> {
  return changeDirectory(db, t.team.id, (tx) => tx.update(gatewayTokens).set({ rateLimits }).where(eq(gatewayTokens.id, tokenId)));
}

export async function addBudget(
  db: Database,
  t: SeededTeam,
  budget: Pick<Budget, "limitMicros"> & Partial<Pick<Budget, "name" | "period" | "windowSeconds" | "gatewayId" | "tokenId" | "alertPercent">>,
): Promise<string> {
  const id = `bud_${randomBytes(6).toString("hex")}`;
  await changeDirectory(db, t.team.id, (tx) => tx.insert(budgets).values({ id, teamId: t.team.id, name: "daily", period: "daily", ...budget }));
  return id;
}

/**
 * Resolves once no reservation is open: settlement runs after the response, beside the log row,
 * so a test waits for it before reading counters or sending the request that depends on them.
 */
export async function allSettled(db: Database): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const [row] = await db.select({ open: sql<number>`count(*)::int` }).from(limitReservations);
    if (row?.open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("reservations stayed open");
}

/** `used` of every window of the counters whose key starts with `prefix`, once everything is settled. */
export async function usedOf(db: Database, prefix: string): Promise<number> {
  await allSettled(db);
  const [row] = await db
    .select({ used: sql<number>`coalesce(sum(${limitCounters.used}), 0)::bigint` })
    .from(limitCounters)
    .where(like(limitCounters.counter, `${prefix}%`));
  return Number(row?.used ?? 0);
}
