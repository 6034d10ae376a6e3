import { eq } from "drizzle-orm";
import { auditEvents, users } from "@/db/schema";
import type { Database } from "@/db/client";
import { uuidv7 } from "@/lib/ids";
import type { ServiceContext } from "@/lib/services/context";

export interface AuditEntry {
  teamId: string | null;
  /** `{entity}.{verb}`, e.g. `provider_key.create`. */
  action: string;
  targetType: string;
  targetId?: string | null;
  targetLabel?: string | null;
  /** What changed; never a secret. */
  details?: Record<string, unknown>;
}

/**
 * Appends one audit event for a change `ctx`'s actor made. Call it with the transaction's handle
 * (`ctx` with `db: tx`) where the change runs in one, so the change and its record commit together.
 */
export async function recordAudit(ctx: ServiceContext, entry: AuditEntry): Promise<void> {
  const { actor } = ctx;
  const actorLabel = await labelOf(ctx.db, ctx);
  await ctx.db.insert(auditEvents).values({
    id: uuidv7(),
    teamId: entry.teamId,
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.userId : actor.type === "api_token" ? actor.apiTokenId : null,
    actorLabel,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    details: entry.details ?? null,
    via: ctx.origin?.via ?? (actor.type === "operator" ? "cli" : actor.type === "api_token" ? "api" : "dashboard"),
    ip: ctx.origin?.ip ?? null,
    userAgent: ctx.origin?.userAgent ?? null,
  });
}

async function labelOf(db: Database, ctx: ServiceContext): Promise<string> {
  const { actor } = ctx;
  if (actor.type === "operator") return "CLI (operator)";
  if (actor.type === "api_token") return `API token ${actor.apiTokenId}`;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, actor.userId)).limit(1);
  return user?.email ?? actor.userId;
}
