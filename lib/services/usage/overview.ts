import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { gateways, usageRollups } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";

const HOUR_MS = 3_600_000;

export interface UsageTotals {
  requests: number;
  errors: number;
  cachedRequests: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  durationMsTotal: number;
}

export interface UsageOverview {
  /** Midnight UTC of the day the totals cover; the rollups are hourly in UTC. */
  since: Date;
  today: UsageTotals;
  /** The last 24 hours, oldest first, one entry per hour including empty ones. */
  hourly: ({ hour: Date } & Pick<UsageTotals, "requests" | "errors">)[];
  /** Today's usage per gateway, busiest first; a gateway deleted since shows as null. */
  byGateway: ({ gatewaySlug: string | null } & UsageTotals)[];
  /** Today's usage per provider and model, busiest first (at most 10). */
  byModel: ({ provider: string; model: string } & UsageTotals)[];
}

const totals = {
  requests: sql<number>`coalesce(sum(${usageRollups.requests}), 0)`.mapWith(Number),
  errors: sql<number>`coalesce(sum(${usageRollups.errors}), 0)`.mapWith(Number),
  cachedRequests: sql<number>`coalesce(sum(${usageRollups.cachedRequests}), 0)`.mapWith(Number),
  tokensIn: sql<number>`coalesce(sum(${usageRollups.tokensIn}), 0)`.mapWith(Number),
  tokensOut: sql<number>`coalesce(sum(${usageRollups.tokensOut}), 0)`.mapWith(Number),
  costMicros: sql<number>`coalesce(sum(${usageRollups.costMicros}), 0)`.mapWith(Number),
  durationMsTotal: sql<number>`coalesce(sum(${usageRollups.durationMsTotal}), 0)`.mapWith(Number),
};

/** The team's usage today (UTC) and over the last 24 hours, from the hourly rollups only. */
export async function getUsageOverview({
  ctx,
  teamId,
  now = new Date(),
}: {
  ctx: ServiceContext;
  teamId: string;
  now?: Date;
}): Promise<UsageOverview> {
  await requireRole(ctx, teamId, "viewer");
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const firstHour = new Date(currentHour - 23 * HOUR_MS);
  const end = new Date(currentHour + HOUR_MS);
  const team = eq(usageRollups.teamId, teamId);
  const today = and(team, gte(usageRollups.hour, since), lt(usageRollups.hour, end));

  const [[todayTotals], hourRows, gatewayRows, modelRows] = await Promise.all([
    ctx.db.select(totals).from(usageRollups).where(today),
    ctx.db
      .select({ hour: usageRollups.hour, requests: totals.requests, errors: totals.errors })
      .from(usageRollups)
      .where(and(team, gte(usageRollups.hour, firstHour), lt(usageRollups.hour, end)))
      .groupBy(usageRollups.hour),
    ctx.db
      .select({ gatewaySlug: gateways.slug, ...totals })
      .from(usageRollups)
      // Rollups keep "" for requests refused before a gateway was known; the join leaves those null too.
      .leftJoin(gateways, and(eq(gateways.id, usageRollups.gatewayId), eq(gateways.teamId, teamId)))
      .where(today)
      .groupBy(usageRollups.gatewayId, gateways.slug)
      .orderBy(desc(totals.requests)),
    ctx.db
      .select({ provider: usageRollups.provider, model: usageRollups.model, ...totals })
      .from(usageRollups)
      .where(today)
      .groupBy(usageRollups.provider, usageRollups.model)
      .orderBy(desc(totals.requests), usageRollups.provider, usageRollups.model)
      .limit(10),
  ]);

  const byHour = new Map(hourRows.map((row) => [row.hour.getTime(), row]));
  const hourly = Array.from({ length: 24 }, (_, i) => {
    const hour = new Date(firstHour.getTime() + i * HOUR_MS);
    const row = byHour.get(hour.getTime());
    return { hour, requests: row?.requests ?? 0, errors: row?.errors ?? 0 };
  });

  return { since, today: todayTotals!, hourly, byGateway: gatewayRows, byModel: modelRows };
}
