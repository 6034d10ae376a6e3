/**
 * Cloudflare's logs API, under /client/v4/accounts/{team}/ai-gateway/gateways/{gateway}/logs:
 *
 * - GET    /logs            list. Query: `filters` (JSON array of {key, operator, value[]}; keys
 *                           id, created_at, success, status_code, cached, provider, model, path,
 *                           token, cost (USD), tokens, tokens_in, tokens_out, duration (ms),
 *                           feedback, event_id, metadata.key, metadata.value, refused; operators
 *                           eq, neq, contains (text), lt, gt (numbers, created_at)), `search` (free
 *                           text over metadata, or `key=value`), `order_by` (created_at, provider,
 *                           model, success, cached), `order_by_direction` (asc, desc; default desc),
 *                           `page` (from 1), `per_page` (1–50, default 20), `meta_info` (true adds
 *                           min/max of cost, tokens and duration to result_info). result_info's
 *                           total_count counts up to 10,000 (`total_count_capped: true` past it),
 *                           and pages go 10,000 rows deep.
 * - GET    /logs/{id}       one row, with request_head/response_head (the first 1,000 characters
 *                           of the bodies), sizes, and feedback and score.
 * - GET    /logs/{id}/request, /logs/{id}/response  the stored body as it was sent (JSON when it
 *                           is JSON, else text); 404 (7003) when bodies were not kept.
 * - PATCH  /logs/{id}       body {feedback?: -1|0|1, score?: 0–100|null, metadata?: {…}}; the
 *                           updated row.
 * - DELETE /logs            deletes what `filters` (and `search`) match, newest first, at most
 *                           `limit` when given; admins; audited as logs.delete. result {deleted}.
 *
 * Bad input answers 400 in the v4 envelope with code 1001 and a message naming the field
 * (`filters[0].value[0]: expected a number, received "x"`).
 */
import { and, max, min, sql } from "drizzle-orm";
import { requestLogs } from "@/db/schema";
import { InvalidInputError, NotFoundError } from "@/lib/services/errors";
import { deleteRequestLogs } from "@/lib/services/logs/delete";
import { updateLogFeedback } from "@/lib/services/logs/feedback";
import { getRequestLog, type RequestLogDetail } from "@/lib/services/logs/get";
import { countInScope, LOG_COUNT_LIMIT, LOG_ORDER_KEYS, listRequestLogs, logsMatching, resolveLogScope, type LogListRow, type LogOrderKey } from "@/lib/services/logs/list";
import { parseLogFilters, type LogQuery } from "@/lib/services/logs/query";
import type { ServiceContext } from "@/lib/services/context";
import { success } from "./envelope";
import { managementApi, type ApiCall } from "./handler";
import { pageParam } from "./pagination";

type GatewayParams = { team: string; gateway: string };
type LogParams = GatewayParams & { id: string };

const HEAD_CHARS = 1_000;

function rowJson(row: Omit<LogListRow, "tokenName" | "gatewaySlug"> & { tokenName?: string | null }) {
  return {
    id: row.id,
    created_at: row.createdAt.toISOString(),
    cached: row.cached,
    duration: row.durationMs,
    model: row.model,
    provider: row.provider,
    path: row.path,
    success: row.success,
    status_code: row.statusCode,
    step: row.step,
    tokens_in: row.tokensIn,
    tokens_out: row.tokensOut,
    cost: row.costMicros / 1_000_000,
    custom_cost: row.customCost,
    metadata: row.metadata ?? {},
    event_id: row.eventId,
    request_type: row.stream ? "stream" : "request",
    feedback: row.feedback,
    score: row.score,
    token: row.tokenName ?? null,
    error_code: row.errorCode,
    error_message: row.errorMessage,
  };
}

function detailJson(detail: RequestLogDetail) {
  const { log, payload } = detail;
  const head = (text: string | null | undefined) => (text ? text.slice(0, HEAD_CHARS) : "");
  return {
    ...rowJson({ ...log, tokenName: detail.tokenName }),
    request_head: head(payload?.requestBody),
    request_head_complete: (payload?.requestBody?.length ?? 0) <= HEAD_CHARS,
    request_size: log.requestBytes ?? 0,
    response_head: head(payload?.responseBody),
    response_head_complete: (payload?.responseBody?.length ?? 0) <= HEAD_CHARS,
    response_size: log.responseBytes ?? 0,
    user_agent: log.userAgent,
  };
}

/** `filters` and `search` from the query string; a message naming the field for anything unreadable. */
function readQuery(url: URL): LogQuery {
  const raw = url.searchParams.get("filters");
  let filters: LogQuery["filters"] = [];
  if (raw !== null && raw !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InvalidInputError('filters: not JSON; send a JSON array like [{"key":"success","operator":"eq","value":[false]}]');
    }
    filters = parseLogFilters(parsed);
  }
  const search = url.searchParams.get("search")?.trim();
  if (search && search.length > 200) throw new InvalidInputError("search: at most 200 characters");
  return { filters, ...(search ? { search } : {}) };
}

function enumParam<T extends string>(url: URL, name: string, allowed: readonly T[], fallback: T): T {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new InvalidInputError(`${name}: expected one of ${allowed.join(", ")}, received "${raw}"`);
  return raw as T;
}

function booleanParam(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return false;
  if (raw !== "true" && raw !== "false") throw new InvalidInputError(`${name}: expected true or false, received "${raw}"`);
  return raw === "true";
}

/** Cloudflare's meta_info: the extremes of cost, tokens and duration over the matching rows (the first 10,000). */
async function metaInfo(ctx: ServiceContext, teamId: string, gatewaySlug: string, query: LogQuery) {
  const where = await logsMatching({ ctx, teamId, gatewaySlug, query });
  const capped = ctx.db
    .select({ cost: requestLogs.costMicros, tokensIn: requestLogs.tokensIn, tokensOut: requestLogs.tokensOut, duration: requestLogs.durationMs })
    .from(requestLogs)
    .where(and(...where))
    .orderBy(sql`${requestLogs.createdAt} desc`)
    .limit(LOG_COUNT_LIMIT)
    .as("capped");
  const [row] = await ctx.db
    .select({
      minCost: min(capped.cost),
      maxCost: max(capped.cost),
      minTokensIn: min(capped.tokensIn),
      maxTokensIn: max(capped.tokensIn),
      minTokensOut: min(capped.tokensOut),
      maxTokensOut: max(capped.tokensOut),
      minDuration: min(capped.duration),
      maxDuration: max(capped.duration),
    })
    .from(capped);
  const dollars = (micros: number | null | undefined) => (micros === null || micros === undefined ? null : Number(micros) / 1_000_000);
  return {
    min_cost: dollars(row?.minCost),
    max_cost: dollars(row?.maxCost),
    min_tokens_in: row?.minTokensIn ?? null,
    max_tokens_in: row?.maxTokensIn ?? null,
    min_tokens_out: row?.minTokensOut ?? null,
    max_tokens_out: row?.maxTokensOut ?? null,
    min_duration: row?.minDuration ?? null,
    max_duration: row?.maxDuration ?? null,
  };
}

const scope = ({ team, params }: ApiCall<GatewayParams>) => ({ teamId: team.id, gatewaySlug: params.gateway });

export const listLogsApi = managementApi<GatewayParams>(async (call) => {
  const url = new URL(call.request.url);
  const page = pageParam(url, "page", 1, 1_000_000);
  const perPage = pageParam(url, "per_page", 20, 50);
  const orderBy = enumParam<LogOrderKey>(url, "order_by", LOG_ORDER_KEYS, "created_at");
  const direction = enumParam(url, "order_by_direction", ["asc", "desc"] as const, "desc");
  const withMeta = booleanParam(url, "meta_info");
  const query = readQuery(url);
  const { ctx } = call;
  const [{ logs }, count, meta] = await Promise.all([
    listRequestLogs({ ctx, ...scope(call), query, page, limit: perPage, orderBy, direction }),
    resolveLogScope(ctx, call.team.id, call.params.gateway).then((logScope) => countInScope(ctx, logScope, query)),
    withMeta ? metaInfo(ctx, call.team.id, call.params.gateway, query) : undefined,
  ]);
  return success(logs.map(rowJson), {
    resultInfo: { page, per_page: perPage, count: logs.length, total_count: count.count, ...(count.more ? { total_count_capped: true } : {}), ...(meta ?? {}) },
  });
});

export const getLogApi = managementApi<LogParams>(async (call) => success(detailJson(await getRequestLog({ ctx: call.ctx, ...scope(call), logId: call.params.id }))));

/** The stored body as it was sent: JSON when it parses, else text. */
function bodyResponse(text: string | null | undefined, binaryType: string | null | undefined, what: string): Response {
  if (binaryType) throw new NotFoundError(`the ${what} body was ${binaryType}, kept as its type and size only`);
  if (text === null || text === undefined) throw new NotFoundError(`no ${what} body was kept for this log`);
  let json = true;
  try {
    JSON.parse(text);
  } catch {
    json = false;
  }
  return new Response(text, { headers: { "content-type": json ? "application/json" : "text/plain; charset=utf-8" } });
}

export const getLogRequestApi = managementApi<LogParams>(async (call) => {
  const { payload } = await getRequestLog({ ctx: call.ctx, ...scope(call), logId: call.params.id });
  return bodyResponse(payload?.requestBody, payload?.requestBinaryType, "request");
});

export const getLogResponseApi = managementApi<LogParams>(async (call) => {
  const { payload } = await getRequestLog({ ctx: call.ctx, ...scope(call), logId: call.params.id });
  return bodyResponse(payload?.responseBody, payload?.responseBinaryType, "response");
});

export const patchLogApi = managementApi<LogParams>(async (call) => {
  const { feedback, score, metadata, ...rest } = await call.body();
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new InvalidInputError(`${unknown}: not a field of a log; send feedback, score or metadata`);
  return success(rowJson(await updateLogFeedback({ ctx: call.ctx, ...scope(call), logId: call.params.id, feedback, score, metadata })));
});

export const deleteLogsApi = managementApi<GatewayParams>(async (call) => {
  const url = new URL(call.request.url);
  const limitRaw = url.searchParams.get("limit");
  const limit = limitRaw === null ? undefined : pageParam(url, "limit", 1, 10_000_000);
  enumParam<LogOrderKey>(url, "order_by", ["created_at"], "created_at");
  enumParam(url, "order_by_direction", ["desc"] as const, "desc");
  const { deleted } = await deleteRequestLogs({ ctx: call.ctx, ...scope(call), query: readQuery(url), limit });
  return success({ deleted });
});
