import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { limitCounters } from "@/db/schema";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { describeRule, spendLimitRules, type LimitRule } from "@/lib/limits/rules";
import { windowAt } from "@/lib/limits/window";
import type { ServiceContext } from "../context";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";

/** One counter of a rule now: the whole rule's, or one partition's bucket. */
export interface CounterSpend {
  counter: string;
  /** The partition's values (`{ "metadata.user_id": "u1" }`); empty for an unpartitioned rule. */
  bucket: Record<string, string>;
  /** Settled, the previous window's weighted share included for a sliding window. */
  used: number;
  /** Held by requests in flight until they settle. */
  reserved: number;
  limit: number;
  remaining: number;
  /** `(used + reserved) / limit`, in percent. */
  percent: number;
  /** When the window ends and the count resets; null for one that never does. */
  resetAt: Date | null;
}

export interface RuleSpend {
  /** The rule's counter id (`budget:{id}`, `gw:{id}:spend:{rule}`). */
  ruleId: string;
  /** `budget 'daily' (cost limit 5 daily)`: the rule as its refusals name it. */
  description: string;
  limit: number;
  alertPercent: number | null;
  /** Unpartitioned: its one counter. Partitioned: the fullest buckets of the window, fullest first. */
  counters: CounterSpend[];
  partitioned: boolean;
}

/** How many buckets of a partitioned rule are shown: the fullest, which are the ones near refusal. */
const TOP_BUCKETS = 10;

/**
 * Each rule's counters as they stand now, from the Postgres ledger (where budgets and spend limits
 * are kept even when Redis counts them). A partitioned rule has a counter per value seen; its
 * fullest buckets of the current (and, sliding, the previous) window are listed.
 */
export async function readSpend(db: Database, rules: readonly LimitRule[], now = Date.now()): Promise<RuleSpend[]> {
  const store = new PostgresCounterStore(db, { now: () => now });
  return Promise.all(
    rules.map(async (rule) => {
      const position = windowAt(rule.window, now);
      const counters = rule.partition.length === 0 ? [rule.id] : await fullestBuckets(db, rule.id, [position.start, ...(position.previousStart === undefined ? [] : [position.previousStart])]);
      const [states, reserved] = await Promise.all([
        store.read(counters.map((counter) => ({ counter, window: rule.window, limit: rule.limit, durable: true }))),
        reservedNow(db, counters, position.start),
      ]);
      const spends = counters.map((counter, i): CounterSpend => {
        const state = states[i]!;
        const held = reserved.get(counter) ?? 0;
        return {
          counter,
          bucket: bucketOf(rule.id, counter),
          used: state.counted - held,
          reserved: held,
          limit: state.limit,
          remaining: state.remaining,
          percent: state.limit > 0 ? (state.counted * 100) / state.limit : 100,
          resetAt: Number.isFinite(state.resetAt) ? new Date(state.resetAt) : null,
        };
      });
      spends.sort((a, b) => b.used + b.reserved - (a.used + a.reserved));
      return {
        ruleId: rule.id,
        description: describeRule(rule),
        limit: rule.limit,
        alertPercent: rule.alertPercent ?? null,
        counters: spends,
        partitioned: rule.partition.length > 0,
      };
    }),
  );
}

/** A partitioned rule's counters are `{rule.id}|{dimension}={value}|…` (lib/limits/rules.ts counterKey). */
async function fullestBuckets(db: Database, ruleId: string, windowStarts: number[]): Promise<string[]> {
  const rows = await db
    .select({ counter: limitCounters.counter })
    .from(limitCounters)
    .where(and(sql`starts_with(${limitCounters.counter}, ${`${ruleId}|`})`, inArray(limitCounters.windowStart, windowStarts)))
    .groupBy(limitCounters.counter)
    .orderBy(desc(sql`max(${limitCounters.used} + ${limitCounters.reserved})`))
    .limit(TOP_BUCKETS);
  return rows.map((row) => row.counter);
}

async function reservedNow(db: Database, counters: string[], windowStart: number): Promise<Map<string, number>> {
  if (counters.length === 0) return new Map();
  const rows = await db
    .select({ counter: limitCounters.counter, reserved: limitCounters.reserved })
    .from(limitCounters)
    .where(and(inArray(limitCounters.counter, counters), eq(limitCounters.windowStart, windowStart)));
  return new Map(rows.map((row) => [row.counter, row.reserved]));
}

function bucketOf(ruleId: string, counter: string): Record<string, string> {
  const parts = counter.slice(ruleId.length).split("|").filter((part) => part !== "");
  return Object.fromEntries(
    parts.map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at), decodeURIComponent(part.slice(at + 1))];
    }),
  );
}

/** Spend against each of the gateway's enabled spend-limit rules; `rule` is the rule's id in `spend_limits`. */
export async function gatewaySpendLimitSpend({
  ctx,
  teamId,
  gatewaySlug,
  now,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  now?: number;
}): Promise<(RuleSpend & { rule: string })[]> {
  await requireRole(ctx, teamId, "viewer");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  // spendLimitRules compiles the enabled rules, in their order.
  const enabled = gateway.spendLimits?.enabled ? gateway.spendLimits.rules.filter((rule) => rule.enabled) : [];
  const spend = await readSpend(ctx.db, spendLimitRules(gateway), now);
  return spend.map((ruleSpend, i) => ({ ...ruleSpend, rule: enabled[i]!.id }));
}
