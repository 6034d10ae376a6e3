import { and, eq } from "drizzle-orm";
import { requestLogPayloads, requestLogs, type RequestLog, type RequestLogPayload } from "@/db/schema";
import { isCustomProviderSlug, providers } from "@/lib/providers";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { wireFormatName } from "./formats";
import { reassembleStream, type ReassembledCompletion } from "./stream";

export interface RequestLogDetail {
  log: RequestLog;
  /** Null when payload collection was off for the request. */
  payload: Omit<RequestLogPayload, "teamId" | "logId"> | null;
  /** A streamed response's chunks joined into the completion they stand for. */
  reassembled: ReassembledCompletion | null;
  /** Set when the gateway translated the request and its payload was kept: what went to the provider, beside the client's `payload.requestBody`. */
  translation: Translation | null;
}

export interface Translation {
  /** The format the client spoke, by name. */
  clientFormat: string | null;
  /** The format the provider was sent, by name; null for a provider this build does not know. */
  providerFormat: string | null;
  providerRequestBody: string;
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
    translation: row.payload?.providerRequestBody ? translationOf(row.log, row.payload.providerRequestBody) : null,
  };
}

/**
 * A translated request went in its provider's own format (the one compat and REST requests are
 * translated to); a team's custom providers all speak OpenAI's (see provider-target.ts).
 */
function translationOf(log: RequestLog, providerRequestBody: string): Translation {
  const format = !log.provider ? undefined : isCustomProviderSlug(log.provider) ? "openai-chat" : providers.get(log.provider)?.format;
  return {
    clientFormat: log.ingressFormat ? wireFormatName(log.ingressFormat) : null,
    providerFormat: format ? wireFormatName(format) : null,
    providerRequestBody,
  };
}
