import { and, asc, eq, inArray } from "drizzle-orm";
import { apiTokens, gateways, gatewayTokens, providerKeys, requestLogPayloads, requestLogs, type RequestLog, type RequestLogPayload } from "@/db/schema";
import { isCustomProviderSlug, providers } from "@/lib/providers";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { keyPreview } from "../provider-keys/view";
import { wireFormatName } from "./formats";
import { callingTokenName, logInScope, type LogRef } from "./list";
import { reassembleStream, type ReassembledCompletion } from "./stream";

export interface RequestLogDetail {
  log: RequestLog;
  /** The gateway token's name; null without a token, or for one deleted since. */
  tokenName: string | null;
  /** Null for a refusal before a gateway was found. */
  gatewaySlug: string | null;
  /** Null when payload collection was off for the request. */
  payload: Omit<RequestLogPayload, "teamId" | "logId"> | null;
  /** A streamed response's chunks joined into the completion they stand for. */
  reassembled: ReassembledCompletion | null;
  /** Set when the gateway translated the request and its payload was kept: what went to the provider, beside the client's `payload.requestBody`. */
  translation: Translation | null;
  /** The stored key this row's call used; null for the client's own key or none. */
  key: UsedKey | null;
  /**
   * Every row of the same client request (`cf-aig-request-id`): each retry and each Universal step,
   * this one included, in the order they were tried. Empty for rows from before request ids.
   */
  attempts: RequestAttempt[];
  /** For a guardrail evaluation's row: the first row of the request it judged (`parent_request_id`). */
  parent: LogLink | null;
  /** The rows of this request's guardrail evaluations, by log id, for the ones still stored. */
  evaluations: Record<string, LogLink>;
}

/** Where another log row of the team is: an evaluator may be called through another of its gateways. */
export interface LogLink {
  id: string;
  gatewaySlug: string;
}

/** What identifies a stored key in a log: never its secret. */
export interface UsedKey {
  id: string;
  /** Null when the key has been deleted since. */
  alias: string | null;
  preview: string | null;
}

export type RequestAttempt = Pick<
  RequestLog,
  "id" | "step" | "attempt" | "statusCode" | "success" | "errorCode" | "errorMessage" | "provider" | "model" | "durationMs" | "cached" | "createdAt" | "keySource"
> & { key: UsedKey | null };

export interface Translation {
  /** The format the client spoke, by name. */
  clientFormat: string | null;
  /** The format the provider was sent, by name; null for a provider this build does not know. */
  providerFormat: string | null;
  providerRequestBody: string;
}

/** One log row of the team (or of one of its gateways) with its payload; a row of another gateway or team is not found. */
export async function getRequestLog(ref: LogRef): Promise<RequestLogDetail> {
  const { ctx, teamId, logId } = ref;
  const where = await logInScope(ref);
  const [row] = await ctx.db
    .select({ log: requestLogs, payload: requestLogPayloads, tokenName: callingTokenName, gatewaySlug: gateways.slug })
    .from(requestLogs)
    .leftJoin(requestLogPayloads, and(eq(requestLogPayloads.logId, requestLogs.id), eq(requestLogPayloads.teamId, teamId)))
    .leftJoin(gatewayTokens, and(eq(gatewayTokens.id, requestLogs.tokenId), eq(gatewayTokens.teamId, teamId)))
    .leftJoin(apiTokens, and(eq(apiTokens.id, requestLogs.tokenId), eq(apiTokens.teamId, teamId)))
    .leftJoin(gateways, and(eq(gateways.id, requestLogs.gatewayId), eq(gateways.teamId, teamId)))
    .where(where)
    .limit(1);
  if (!row) throw new NotFoundError(`log ${logId} not found`);
  const { logId: _logId, teamId: _teamId, ...payload } = row.payload ?? {};
  const responseBody = row.payload?.responseBody;
  const [attempts, parent, evaluations] = await Promise.all([
    row.log.requestId ? attemptsOf(ctx, teamId, row.log.requestId) : [],
    row.log.parentRequestId ? parentOf(ctx, teamId, row.log.parentRequestId) : null,
    evaluationsOf(ctx, teamId, row.log),
  ]);
  return {
    tokenName: row.tokenName,
    gatewaySlug: row.gatewaySlug,
    parent,
    evaluations,
    key: attempts.find((attempt) => attempt.id === row.log.id)?.key ?? (row.log.providerKeyId ? await usedKey(ctx, teamId, row.log.providerKeyId) : null),
    attempts,
    log: row.log,
    payload: row.payload ? (payload as RequestLogDetail["payload"]) : null,
    reassembled: row.log.stream && responseBody ? (reassembleStream(responseBody, row.log.ingressFormat) ?? null) : null,
    translation: row.payload?.providerRequestBody ? translationOf(row.log, row.payload.providerRequestBody) : null,
  };
}

/** The rows sharing a request id, by step and attempt, with the keys they used (request_logs_request_idx). */
async function attemptsOf(ctx: ServiceContext, teamId: string, requestId: string): Promise<RequestAttempt[]> {
  const rows = await ctx.db
    .select({
      id: requestLogs.id,
      step: requestLogs.step,
      attempt: requestLogs.attempt,
      statusCode: requestLogs.statusCode,
      success: requestLogs.success,
      errorCode: requestLogs.errorCode,
      errorMessage: requestLogs.errorMessage,
      provider: requestLogs.provider,
      model: requestLogs.model,
      durationMs: requestLogs.durationMs,
      cached: requestLogs.cached,
      createdAt: requestLogs.createdAt,
      keySource: requestLogs.keySource,
      keyId: requestLogs.providerKeyId,
      keyAlias: providerKeys.alias,
      keyStart: providerKeys.secretStart,
      keyLast4: providerKeys.secretLast4,
    })
    .from(requestLogs)
    .leftJoin(providerKeys, and(eq(providerKeys.id, requestLogs.providerKeyId), eq(providerKeys.teamId, teamId)))
    .where(and(eq(requestLogs.teamId, teamId), eq(requestLogs.requestId, requestId)))
    .orderBy(asc(requestLogs.step), asc(requestLogs.attempt), asc(requestLogs.id))
    // A request makes at most 5 attempts per step; the bound only guards the page against a bad request id.
    .limit(200);
  return rows.map(({ keyId, keyAlias, keyStart, keyLast4, ...attempt }) => ({
    ...attempt,
    key: keyId ? { id: keyId, alias: keyAlias, preview: keyStart === null ? null : keyPreview(keyStart, keyLast4 ?? "") } : null,
  }));
}

async function parentOf(ctx: ServiceContext, teamId: string, parentRequestId: string): Promise<LogLink | null> {
  const [parent] = await ctx.db
    .select({ id: requestLogs.id, gatewaySlug: gateways.slug })
    .from(requestLogs)
    .innerJoin(gateways, eq(gateways.id, requestLogs.gatewayId))
    .where(and(eq(requestLogs.teamId, teamId), eq(requestLogs.requestId, parentRequestId)))
    .orderBy(asc(requestLogs.step), asc(requestLogs.attempt), asc(requestLogs.id))
    .limit(1);
  return parent ?? null;
}

async function evaluationsOf(ctx: ServiceContext, teamId: string, log: RequestLog): Promise<Record<string, LogLink>> {
  const ids = [...new Set((log.guardrails ?? []).flatMap((outcome) => (outcome.evaluationLogId ? [outcome.evaluationLogId] : [])))];
  if (ids.length === 0) return {};
  const rows = await ctx.db
    .select({ id: requestLogs.id, gatewaySlug: gateways.slug })
    .from(requestLogs)
    .innerJoin(gateways, eq(gateways.id, requestLogs.gatewayId))
    .where(and(eq(requestLogs.teamId, teamId), inArray(requestLogs.id, ids)));
  return Object.fromEntries(rows.map((row) => [row.id, row]));
}

async function usedKey(ctx: ServiceContext, teamId: string, keyId: string): Promise<UsedKey> {
  const [key] = await ctx.db
    .select({ alias: providerKeys.alias, start: providerKeys.secretStart, last4: providerKeys.secretLast4 })
    .from(providerKeys)
    .where(and(eq(providerKeys.teamId, teamId), eq(providerKeys.id, keyId)))
    .limit(1);
  return { id: keyId, alias: key?.alias ?? null, preview: key ? keyPreview(key.start, key.last4) : null };
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

/** Whether the team (or its gateway `gatewaySlug`) has the log `logId`: what a page checks before it starts streaming. */
export async function requestLogExists(ref: LogRef): Promise<boolean> {
  const [row] = await ref.ctx.db
    .select({ id: requestLogs.id })
    .from(requestLogs)
    .where(await logInScope(ref))
    .limit(1);
  return row !== undefined;
}
