import { and, desc } from "drizzle-orm";
import { requestLogs } from "@/db/schema";
import { afterCursor, logsMatching, selectLogRows, type LogListRow, type LogSelection } from "./list";

/** Rows per query of an export: big enough to be quick, small enough that memory stays flat. */
const EXPORT_BATCH = 2_000;

export const LOG_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type LogExportFormat = (typeof LOG_EXPORT_FORMATS)[number];

const CSV_COLUMNS = [
  "id",
  "created_at",
  "gateway",
  "path",
  "method",
  "status_code",
  "success",
  "error_code",
  "error_message",
  "provider",
  "model",
  "token",
  "stream",
  "cached",
  "tokens_in",
  "tokens_out",
  "tokens_cached",
  "cost_usd",
  "duration_ms",
  "ttfb_ms",
  "feedback",
  "score",
  "event_id",
  "request_id",
  "metadata",
] as const;

/** A row as an export writes it: snake_case, cost in dollars, no bodies. */
function exportRecord(row: LogListRow): Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null | Record<string, unknown>> {
  return {
    id: row.id,
    created_at: row.createdAt.toISOString(),
    gateway: row.gatewaySlug,
    path: row.path,
    method: row.method,
    status_code: row.statusCode,
    success: row.success,
    error_code: row.errorCode,
    error_message: row.errorMessage,
    provider: row.provider,
    model: row.model,
    token: row.tokenName,
    stream: row.stream,
    cached: row.cached,
    tokens_in: row.tokensIn,
    tokens_out: row.tokensOut,
    tokens_cached: row.tokensCached,
    cost_usd: row.costMicros / 1_000_000,
    duration_ms: row.durationMs,
    ttfb_ms: row.ttfbMs,
    feedback: row.feedback,
    score: row.score,
    event_id: row.eventId,
    request_id: row.requestId,
    metadata: row.metadata,
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // Quoted when it must be; a leading =, +, - or @ is prefixed so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The lines of one batch in the format, each ending in a newline; the CSV header comes first. */
export function exportLines(format: LogExportFormat, rows: LogListRow[], first: boolean): string {
  const records = rows.map(exportRecord);
  if (format === "jsonl") return records.map((record) => `${JSON.stringify(record)}\n`).join("");
  const header = first ? `${CSV_COLUMNS.join(",")}\r\n` : "";
  return header + records.map((record) => `${CSV_COLUMNS.map((column) => csvCell(record[column])).join(",")}\r\n`).join("");
}

/**
 * The matching rows, newest first, in batches: each batch one keyset query after the last row of
 * the one before, so an export of millions of rows holds one batch in memory at a time. The role
 * is checked before the first batch.
 */
export async function* exportRequestLogs(selection: LogSelection): AsyncGenerator<LogListRow[]> {
  const { ctx, teamId } = selection;
  const where = await logsMatching(selection);
  let after: LogListRow | undefined;
  for (;;) {
    const rows: LogListRow[] = await selectLogRows(ctx, teamId)
      .where(and(...where, after ? afterCursor(after) : undefined))
      .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
      .limit(EXPORT_BATCH);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < EXPORT_BATCH) return;
    after = rows.at(-1);
  }
}
