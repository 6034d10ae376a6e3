import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";

/**
 * Who is acting. `operator` is the CLI and server-side automation run by whoever controls the
 * deployment; it passes every role check. `user` actions are checked against the team membership.
 * `api_token` is a team API token on the management API: its team only, never above its role.
 */
export type Actor =
  | { type: "operator" }
  | { type: "user"; userId: string }
  | { type: "api_token"; apiTokenId: string; teamId: string; role: Role; scopes: ApiTokenScope[] };

export type ApiTokenScope = "read" | "edit" | "run";

/** Where a change came from, for the audit log. */
export interface Origin {
  via: "dashboard" | "api" | "cli";
  ip?: string | null;
  userAgent?: string | null;
}

export interface ServiceContext {
  db: Database;
  actor: Actor;
  /** Unset in tests and server-side automation; the audit log then records `cli` for the operator and `dashboard` for a user. */
  origin?: Origin;
}

/** Who did something, as rows record it (granted by, created by): a user id, or null for the CLI and API tokens. */
export function actorId(ctx: ServiceContext): string | null {
  return ctx.actor.type === "user" ? ctx.actor.userId : null;
}
