import { and, eq } from "drizzle-orm";
import { requestLogPayloads, requestLogs, type RequestLog, type RequestLogPayload } from "@/db/schema";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { reassembleStream, type ReassembledCompletion } from "./stream";

export interface RequestLogDetail {
  log: RequestLog;
  /** Null when payload collection was off for the request. */
  payload: Omit<RequestLogPayload, "teamId" | "logId"> | null;
  /** A streamed response's chunks joined into the completion they stand for. */
  reassembled: ReassembledCompletion | null;
}

/** One log row of a gateway with its payload; a row of another gateway or team is not found. */
export async function getRequestLog({
  ctx,
  teamId,
  gatewaySlug,
  logId,
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  logId: string;
}): Promise<RequestLogDetail> {
  await requireRole(ctx, teamId, "viewer");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  const [row] = await ctx.db
    .select({ log: requestLogs, payload: requestLogPayloads })
    .from(requestLogs)
    .leftJoin(requestLogPayloads, and(eq(requestLogPayloads.logId, requestLogs.id), eq(requestLogPayloads.teamId, teamId)))
    .where(and(eq(requestLogs.teamId, teamId), eq(requestLogs.gatewayId, gateway.id), eq(requestLogs.id, logId)))
    .limit(1);
  if (!row) throw new NotFoundError(`log ${logId} not found`);
  const { logId: _logId, teamId: _teamId, ...payload } = row.payload ?? {};
  const responseBody = row.payload?.responseBody;
  return {
    log: row.log,
    payload: row.payload ? (payload as RequestLogDetail["payload"]) : null,
    reassembled: row.log.stream && responseBody ? (reassembleStream(responseBody, row.log.ingressFormat) ?? null) : null,
  };
}
