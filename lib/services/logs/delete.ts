import { and } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { deleteLogsInBatches } from "@/lib/logs/delete-logs";
import { resolveLogScope, type LogSelection } from "./list";
import { logConditions, type LogQuery } from "./query";

/** Rows deleted per statement: a big deletion runs as many short ones rather than one long lock. */
const DELETE_BATCH = 5_000;

/**
 * Deletes the logs (and their payloads) that match `query`, in the team or one gateway; admins only.
 * `limit` caps how many go (Cloudflare's DELETE takes one), newest first. The gateways' log counts
 * drop with them (a STOP_INSERTING gateway takes logs again). Audited as `logs.delete` with the
 * filter and the count.
 */
export async function deleteRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  query,
  limit,
}: LogSelection & { limit?: number }): Promise<{ deleted: number }> {
  // The scope itself, not logsMatching: the audit record names the gateway.
  const scope = await resolveLogScope(ctx, teamId, gatewaySlug, "admin");
  const where = and(...logConditions(scope, query))!;
  const deleted = await deleteLogsInBatches(ctx.db, where, { batch: DELETE_BATCH, most: limit, order: "newest" });
  await recordAudit(ctx, {
    teamId,
    action: "logs.delete",
    targetType: "request_logs",
    targetId: scope.gatewayId ?? null,
    targetLabel: gatewaySlug ? `logs of ${gatewaySlug}` : "the team's logs",
    details: { filter: describeQuery(query), count: deleted },
  });
  return { deleted };
}

/** A query as the audit log keeps it: plain JSON, dates as ISO text. */
function describeQuery(query: LogQuery): Record<string, unknown> {
  return {
    filters: query.filters,
    ...(query.search ? { search: query.search } : {}),
    ...(query.from ? { from: query.from.toISOString() } : {}),
    ...(query.to ? { to: query.to.toISOString() } : {}),
  };
}
