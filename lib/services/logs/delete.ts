import { and, inArray, sql } from "drizzle-orm";
import { requestLogPayloads, requestLogs } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "../context";
import { resolveLogScope } from "./list";
import { logConditions, type LogQuery } from "./query";

/** Rows deleted per statement: a big deletion runs as many short ones rather than one long lock. */
const DELETE_BATCH = 5_000;

/**
 * Deletes the logs (and their payloads) that match `query`, in the team or one gateway; admins only.
 * `limit` caps how many go (Cloudflare's DELETE takes one), newest first. Audited as `logs.delete`
 * with the filter and the count, in the transaction of the last batch.
 */
export async function deleteRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  query,
  limit,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug?: string;
  query: LogQuery;
  limit?: number;
}): Promise<{ deleted: number }> {
  const scope = await resolveLogScope(ctx, teamId, gatewaySlug, "admin");
  const where = and(...logConditions(scope, query));
  let deleted = 0;
  for (;;) {
    const batch = Math.min(DELETE_BATCH, limit === undefined ? DELETE_BATCH : limit - deleted);
    if (batch <= 0) break;
    const done = await ctx.db.transaction(async (tx) => {
      const ids = await tx
        .select({ id: requestLogs.id, createdAt: requestLogs.createdAt })
        .from(requestLogs)
        .where(where)
        .orderBy(sql`${requestLogs.createdAt} desc`)
        .limit(batch);
      if (ids.length > 0) {
        const idList = ids.map((row) => row.id);
        await tx.delete(requestLogPayloads).where(and(sql`${requestLogPayloads.teamId} = ${teamId}`, inArray(requestLogPayloads.logId, idList)));
        await tx.delete(requestLogs).where(and(sql`${requestLogs.teamId} = ${teamId}`, inArray(requestLogs.id, idList)));
      }
      return ids.length;
    });
    deleted += done;
    if (done < batch) break;
  }
  await recordAudit(ctx, {
    teamId,
    action: "logs.delete",
    targetType: "request_logs",
    targetId: scope.gatewayId ?? null,
    targetLabel: gatewaySlug ?? "all gateways",
    details: { filter: describeQuery(query), count: deleted },
  });
  return { deleted };
}

/** A query as the audit log keeps it: plain JSON, dates as ISO text. */
export function describeQuery(query: LogQuery): Record<string, unknown> {
  return {
    filters: query.filters,
    ...(query.search ? { search: query.search } : {}),
    ...(query.from ? { from: query.from.toISOString() } : {}),
    ...(query.to ? { to: query.to.toISOString() } : {}),
  };
}
