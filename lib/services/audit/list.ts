import { and, desc, eq, gte, ilike, like, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { auditEvents, type AuditEvent } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { parseInput } from "../validation";

export const AUDIT_VIAS = ["dashboard", "api", "cli"] as const;

// Forms and query strings send "" for a filter left empty.
const blank = (value: unknown) => (value === "" ? undefined : value);
const text = z.preprocess(blank, z.string().trim().max(200, "must be at most 200 characters").optional());
// A time without a zone (a datetime-local field's "2026-12-01T09:00") is UTC, as every time the dashboard shows.
const utc = (value: unknown) => (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(value.trim()) ? `${value.trim()}Z` : value);
const time = z.preprocess((value) => utc(blank(value)), z.coerce.date({ error: "must be a date and time, like 2026-12-01T09:00Z" }).optional());

export const auditFilterSchema = z
  .object({
    /** Part of who did it (an email, a token's name, "CLI"), or their id. */
    actor: text,
    /** An action (`provider_key.create`) or an entity (`provider_key`: all of its actions). */
    action: z.preprocess(blank, z.string().trim().regex(/^[a-z_]+(\.[a-z_]+)?$/, "use an action like provider_key.create, or an entity like provider_key").optional()),
    /** Part of the target's name, or its id. */
    target: text,
    via: z.preprocess(blank, z.enum(AUDIT_VIAS, { error: "must be dashboard, api or cli" }).optional()),
    /** From this time on (inclusive). */
    from: time,
    /** Before this time. */
    to: time,
  })
  .refine((f) => !f.from || !f.to || f.from < f.to, { message: "must be after from", path: ["to"] });

export type AuditFilter = z.input<typeof auditFilterSchema>;

const AUDIT_PAGE_SIZE_MAX = 200;

const pageInput = z.object({
  limit: z.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX, `must be at most ${AUDIT_PAGE_SIZE_MAX}`).default(50),
  /** The `next` of the previous page: events older than that one. */
  before: z.preprocess(blank, z.uuid("must be the `next` of a previous page").optional()),
});

export interface AuditPage {
  events: AuditEvent[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/** `%`, `_` and `\` typed in a filter are themselves, not wildcards. */
function contains(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE of a team's events under `filter` (already parsed). */
export function auditWhere(teamId: string, filter: z.output<typeof auditFilterSchema>, before?: string): SQL {
  return and(
    eq(auditEvents.teamId, teamId),
    filter.actor ? or(ilike(auditEvents.actorLabel, contains(filter.actor)), eq(auditEvents.actorId, filter.actor)) : undefined,
    filter.action
      ? filter.action.includes(".")
        ? eq(auditEvents.action, filter.action)
        : like(auditEvents.action, `${filter.action.replaceAll("_", "\\_")}.%`)
      : undefined,
    filter.target ? or(ilike(auditEvents.targetLabel, contains(filter.target)), eq(auditEvents.targetId, filter.target)) : undefined,
    filter.via ? eq(auditEvents.via, filter.via) : undefined,
    filter.from ? gte(auditEvents.createdAt, filter.from) : undefined,
    filter.to ? lt(auditEvents.createdAt, filter.to) : undefined,
    // Ids are UUIDv7: their order is the events' order, so paging by id never skips or repeats one.
    before ? lt(auditEvents.id, before) : undefined,
  )!;
}

/** Reads one page, newest first. */
export async function auditPage(db: Database, where: SQL, limit: number): Promise<AuditPage> {
  const rows = await db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.id)).limit(limit + 1);
  const events = rows.slice(0, limit);
  return { events, next: rows.length > limit ? events.at(-1)!.id : null };
}

/**
 * The team's audit log, newest first, a page at a time. Admins and owners only: it names every
 * member's changes and where they came from (IP addresses).
 */
export async function listAuditEvents({
  ctx,
  teamId,
  filter = {},
  ...page
}: {
  ctx: ServiceContext;
  teamId: string;
  filter?: AuditFilter;
  limit?: number;
  before?: string;
}): Promise<AuditPage> {
  const parsed = parseInput(auditFilterSchema, filter);
  const { limit, before } = parseInput(pageInput, page);
  const team = await requireRole(ctx, teamId, "admin");
  return auditPage(ctx.db, auditWhere(team.id, parsed, before), limit);
}
