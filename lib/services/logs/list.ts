import { and, asc, desc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, gateways, gatewayTokens, requestLogs, type RequestLog } from "@/db/schema";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { logConditions, type LogQuery, type LogScope } from "./query";

export const LOG_PAGE_SIZE = 50;
/** Counting stops here: past it a list says "more than 10,000", and page numbers end. */
export const LOG_COUNT_LIMIT = 10_000;

export type LogListRow = Omit<RequestLog, "teamId" | "userAgent"> & {
  /** The gateway token's name; null without a token, or for one deleted since. */
  tokenName: string | null;
  /** Null for a refusal before a gateway was found, or a gateway deleted since. */
  gatewaySlug: string | null;
};

export const LOG_ORDER_KEYS = ["created_at", "provider", "model", "success", "cached"] as const;
export type LogOrderKey = (typeof LOG_ORDER_KEYS)[number];

const ORDER_COLUMNS = {
  created_at: requestLogs.createdAt,
  provider: requestLogs.provider,
  model: requestLogs.model,
  success: requestLogs.success,
  cached: requestLogs.cached,
} as const;

const input = z.object({
  limit: z.int().min(1).max(200).default(LOG_PAGE_SIZE),
  page: z.int().min(1).max(1_000_000).optional(),
  cursor: z.string().max(200).optional(),
  orderBy: z.enum(LOG_ORDER_KEYS).default("created_at"),
  direction: z.enum(["asc", "desc"]).default("desc"),
});

/** The position after the last row of a page: its created_at (ISO, ms) and id, base64url. */
export function encodeLogCursor(row: Pick<RequestLog, "createdAt" | "id">): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeLogCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new InvalidInputError({ field: "cursor", message: "not a cursor this list returned" });
  return { createdAt, id };
}

/** Rows after a cursor, newest first: the (created_at, id) keyset. */
export function afterCursor(cursor: { createdAt: Date; id: string }): SQL {
  return sql`(${requestLogs.createdAt}, ${requestLogs.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`;
}

type LogRole = "viewer" | "member" | "admin";

/** The team's logs, or one gateway's by slug; checks the role. */
export async function resolveLogScope(ctx: ServiceContext, teamId: string, gatewaySlug: string | undefined, role: LogRole = "viewer"): Promise<LogScope> {
  await requireRole(ctx, teamId, role);
  if (gatewaySlug === undefined) return { teamId };
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);
  return { teamId, gatewayId: gateway.id };
}

/** Where a caller looks for logs: in the team, or in its gateway `gatewaySlug` when given. */
export interface LogPlace {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug?: string;
}

/** One log asked for by id. */
export interface LogRef extends LogPlace {
  logId: string;
}

/** The logs that match `query`. */
export interface LogSelection extends LogPlace {
  query: LogQuery;
}

/** Checks the role, then gives the WHERE conditions of the selection. */
export async function logsMatching({ ctx, teamId, gatewaySlug, query }: LogSelection, role: LogRole = "viewer"): Promise<SQL[]> {
  return logConditions(await resolveLogScope(ctx, teamId, gatewaySlug, role), query);
}

/** Checks the role, then matches the one log within its scope: a row of another gateway or team matches nothing. */
export async function logInScope({ ctx, teamId, gatewaySlug, logId }: LogRef, role: LogRole = "viewer"): Promise<SQL> {
  const scope = await resolveLogScope(ctx, teamId, gatewaySlug, role);
  return and(eq(requestLogs.teamId, scope.teamId), scope.gatewayId ? eq(requestLogs.gatewayId, scope.gatewayId) : undefined, eq(requestLogs.id, logId))!;
}

/** The name of the token that made the request: a gateway token, or a team API token with the run scope (joined as `apiTokens`). */
export const callingTokenName = sql<string | null>`coalesce(${gatewayTokens.name}, ${apiTokens.name})`;

/** What a list row carries: the row without its team and agent, with its token's name and gateway's slug. */
export function selectLogRows(ctx: ServiceContext, teamId: string) {
  // teamId and userAgent are left out: the caller knows the team, and the detail page shows the agent.
  const { teamId: _teamId, userAgent: _userAgent, ...columns } = getTableColumns(requestLogs);
  return ctx.db
    .select({ ...columns, tokenName: callingTokenName, gatewaySlug: gateways.slug })
    .from(requestLogs)
    .leftJoin(gatewayTokens, and(eq(gatewayTokens.id, requestLogs.tokenId), eq(gatewayTokens.teamId, teamId)))
    .leftJoin(apiTokens, and(eq(apiTokens.id, requestLogs.tokenId), eq(apiTokens.teamId, teamId)))
    .leftJoin(gateways, and(eq(gateways.id, requestLogs.gatewayId), eq(gateways.teamId, teamId)));
}

/**
 * One page of a team's request logs (or one gateway's), newest first unless ordered otherwise.
 * `cursor` pages by the (created_at, id) keyset: the cost of a page does not grow with its depth.
 * `page` jumps (an offset), up to LOG_COUNT_LIMIT rows deep. Every query leads with team_id and
 * created_at, which request_logs_team_time_idx and request_logs_gateway_time_idx serve.
 */
export async function listRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  query = { filters: [] },
  ...raw
}: LogPlace & {
  query?: LogQuery;
  limit?: number;
  page?: number;
  cursor?: string;
  orderBy?: LogOrderKey;
  direction?: "asc" | "desc";
}): Promise<{ logs: LogListRow[]; nextCursor: string | null }> {
  const { limit, page, cursor, orderBy, direction } = parseInput(input, raw);
  const keyset = orderBy === "created_at" && direction === "desc";
  if (cursor && !keyset) throw new InvalidInputError("cursor: only the newest-first order pages by cursor; use page");
  if (page !== undefined && (page - 1) * limit >= LOG_COUNT_LIMIT) throw new InvalidInputError(`page: pages go ${LOG_COUNT_LIMIT.toLocaleString("en-US")} rows deep; narrow the filters to see older rows`);
  const where = await logsMatching({ ctx, teamId, gatewaySlug, query });
  if (cursor) where.push(afterCursor(decodeLogCursor(cursor)));

  const order = direction === "asc" ? asc : desc;
  const rows = await selectLogRows(ctx, teamId)
    .where(and(...where))
    .orderBy(...(orderBy === "created_at" ? [] : [order(ORDER_COLUMNS[orderBy])]), order(requestLogs.createdAt), order(requestLogs.id))
    .limit(limit + 1)
    .offset(page === undefined ? 0 : (page - 1) * limit);
  const logs = rows.slice(0, limit);
  const last = logs.at(-1);
  return { logs, nextCursor: keyset && rows.length > limit && last ? encodeLogCursor(last) : null };
}

export interface LogCount {
  /** Exact when `more` is false; else LOG_COUNT_LIMIT. */
  count: number;
  /** More rows match than were counted. */
  more: boolean;
}

/** How many rows match, counted up to LOG_COUNT_LIMIT: exact when that is cheap, else an honest "more than". */
export async function countRequestLogs({ ctx, teamId, gatewaySlug, query }: LogSelection): Promise<LogCount> {
  const scope = await resolveLogScope(ctx, teamId, gatewaySlug);
  return countInScope(ctx, scope, query);
}

/**
 * Reads up to LOG_COUNT_LIMIT + 1 matches: for a rare status or the errors filter, through
 * request_logs_failed_idx, which holds the failed requests only, rather than every row of the scope.
 */
export async function countInScope(ctx: ServiceContext, scope: LogScope, query: LogQuery): Promise<LogCount> {
  const capped = ctx.db
    .select({ one: sql`1` })
    .from(requestLogs)
    .where(and(...logConditions(scope, query)))
    .limit(LOG_COUNT_LIMIT + 1)
    .as("capped");
  const [row] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(capped);
  const count = Number(row?.count ?? 0);
  return count > LOG_COUNT_LIMIT ? { count: LOG_COUNT_LIMIT, more: true } : { count, more: false };
}
