import { and, desc, eq, getTableColumns, gte, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { requestLogs, type RequestLog } from "@/db/schema";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { findGateway } from "../gateways/get";
import { requireRole } from "../roles";
import { parseInput } from "../validation";

export const LOG_PAGE_SIZE = 50;

export type LogListRow = Omit<RequestLog, "teamId" | "userAgent">;

export interface LogFilters {
  status?: "success" | "error";
  provider?: string;
  model?: string;
  /** Inclusive lower bound of created_at. */
  from?: Date;
  /** Exclusive upper bound of created_at. */
  to?: Date;
}

const input = z.object({
  status: z.enum(["success", "error"]).optional(),
  provider: z.string().trim().min(1).max(200).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  limit: z.int().min(1).max(200).default(LOG_PAGE_SIZE),
  cursor: z.string().max(200).optional(),
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

/**
 * One page of a gateway's request logs, newest first. Keyset pagination on (created_at, id): a page
 * costs the same however deep it is, and rows written meanwhile do not shift later pages. The
 * filters narrow the (team_id, gateway_id, created_at) index scan (request_logs_gateway_time_idx).
 */
export async function listRequestLogs({
  ctx,
  teamId,
  gatewaySlug,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  gatewaySlug: string;
  limit?: number;
  cursor?: string;
} & LogFilters): Promise<{ logs: LogListRow[]; nextCursor: string | null }> {
  const { status, provider, model, from, to, limit, cursor } = parseInput(input, raw);
  await requireRole(ctx, teamId, "viewer");
  const gateway = await findGateway(ctx.db, teamId, gatewaySlug);

  const where: SQL[] = [eq(requestLogs.teamId, teamId), eq(requestLogs.gatewayId, gateway.id)];
  if (status) where.push(eq(requestLogs.success, status === "success"));
  if (provider) where.push(eq(requestLogs.provider, provider));
  if (model) where.push(eq(requestLogs.model, model));
  if (from) where.push(gte(requestLogs.createdAt, from));
  if (to) where.push(lt(requestLogs.createdAt, to));
  if (cursor) {
    const after = decodeLogCursor(cursor);
    where.push(sql`(${requestLogs.createdAt}, ${requestLogs.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id})`);
  }

  // teamId and userAgent are left out: the caller knows the team, and the detail page shows the agent.
  const { teamId: _teamId, userAgent: _userAgent, ...columns } = getTableColumns(requestLogs);
  const rows = await ctx.db
    .select(columns)
    .from(requestLogs)
    .where(and(...where))
    .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { logs: page, nextCursor: rows.length > limit && last ? encodeLogCursor(last) : null };
}
