import type { AuditEvent } from "@/db/schema";
import { csvRecord } from "@/lib/utils/csv";
import type { ServiceContext } from "../context";
import { InvalidInputError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { auditFilterSchema, auditPage, auditWhere, type AuditFilter } from "./list";

const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

/** Rows read per query: the export holds one batch in memory, whatever the log's size. */
const BATCH = 1000;

const CSV_COLUMNS = ["time", "actor_type", "actor", "actor_id", "action", "target_type", "target_id", "target", "via", "ip", "user_agent", "details"];

function asJson(event: AuditEvent) {
  return {
    id: event.id,
    time: event.createdAt.toISOString(),
    actor_type: event.actorType,
    actor: event.actorLabel,
    actor_id: event.actorId,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    target: event.targetLabel,
    via: event.via,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
  };
}

function csvOf(event: AuditEvent): string {
  const row = asJson(event);
  return csvRecord([row.time, row.actor_type, row.actor, row.actor_id, row.action, row.target_type, row.target_id, row.target, row.via, row.ip, row.user_agent, row.details === null ? null : JSON.stringify(row.details)]);
}

export interface AuditExport {
  contentType: string;
  filename: string;
  /** The file, a batch of events per chunk, read from the database as it is consumed. */
  chunks: AsyncIterable<string>;
}

/**
 * The team's audit events under `filter`, newest first, as CSV or JSON Lines. Checked (role,
 * filters) before the first byte, so a refusal is an error rather than a broken download.
 */
export async function exportAuditEvents({
  ctx,
  teamId,
  filter = {},
  format,
}: {
  ctx: ServiceContext;
  teamId: string;
  filter?: AuditFilter;
  format: string;
}): Promise<AuditExport> {
  if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) throw new InvalidInputError("format: must be csv or jsonl");
  const parsed = parseInput(auditFilterSchema, filter);
  const team = await requireRole(ctx, teamId, "admin");
  const csv = format === "csv";
  async function* chunks(): AsyncGenerator<string> {
    if (csv) yield csvRecord(CSV_COLUMNS);
    for (let before: string | undefined; ; ) {
      const page = await auditPage(ctx.db, auditWhere(team.id, parsed, before), BATCH);
      if (page.events.length > 0) yield page.events.map((event) => (csv ? csvOf(event) : `${JSON.stringify(asJson(event))}\n`)).join("");
      if (!page.next) return;
      before = page.next;
    }
  }
  return {
    contentType: csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    filename: `${team.slug}-audit-${new Date().toISOString().slice(0, 10)}.${csv ? "csv" : "jsonl"}`,
    chunks: chunks(),
  };
}
