import type { Database } from "@/db/client";

/**
 * Who is acting. `operator` is the CLI and server-side automation run by whoever controls the
 * deployment; it passes every role check. `user` actions are checked against the team membership.
 */
export type Actor = { type: "operator" } | { type: "user"; userId: string };

export interface ServiceContext {
  db: Database;
  actor: Actor;
}

/** Who did something, as rows record it (granted by, created by): a user id, or null for the CLI. */
export function actorId(ctx: ServiceContext): string | null {
  return ctx.actor.type === "user" ? ctx.actor.userId : null;
}
