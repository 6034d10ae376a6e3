import { eq } from "drizzle-orm";
import { apiTokens, auditEvents, users } from "@/db/schema";
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
  const via = ctx.origin?.via ?? (actor.type === "operator" ? "cli" : actor.type === "api_token" ? "api" : "dashboard");
  await ctx.db.insert(auditEvents).values({
    id: uuidv7(),
    teamId: entry.teamId,
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.userId : actor.type === "api_token" ? actor.apiTokenId : null,
    actorLabel: await labelOf(ctx, via),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    details: entry.details ? withoutSecrets(entry.details) : null,
    via,
    ip: ctx.origin?.ip ?? null,
    userAgent: ctx.origin?.userAgent ?? null,
  });
}

// A safety net under "never a secret": settings can grow fields that hold one (an OTLP collector's
// Authorization header), and the audit log outlives the secret's rotation.
const SECRET_NAME = /(secret|password|authorization|api[-_]?key|^token$|cookie)/i;

/** `details` with every string under a secret-like name replaced, at any depth. */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSecrets) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [name, SECRET_NAME.test(name) && typeof inner === "string" ? "[redacted]" : withoutSecrets(inner)]),
  ) as T;
}

/** A user's email as the audit log names people; the id when the user is gone. */
export async function userLabel(db: Database, userId: string): Promise<string> {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return user?.email ?? userId;
}

/**
 * The fields whose value differs between `before` and `after`, each as `{ from, to }`: what an
 * update's audit event records. Compared as JSON, so nested settings count as changed only when
 * their content is.
 */
export function changedFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

async function labelOf(ctx: ServiceContext, via: "dashboard" | "api" | "cli"): Promise<string> {
  const { actor } = ctx;
  // The operator context also serves pages used before anyone signs in (first-run setup, sign-up by invitation).
  if (actor.type === "operator") return via === "cli" ? "CLI (operator)" : "Switchyard (no session)";
  if (actor.type === "api_token") {
    const [token] = await ctx.db.select({ name: apiTokens.name }).from(apiTokens).where(eq(apiTokens.id, actor.apiTokenId)).limit(1);
    return `API token "${token?.name ?? actor.apiTokenId}"`;
  }
  return userLabel(ctx.db, actor.userId);
}
