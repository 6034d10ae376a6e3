import { db } from "@/db/client";
import type { Team } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import type { ServiceContext } from "@/lib/services/context";
import { InvalidInputError } from "@/lib/services/errors";
import { getTeamBySlug } from "@/lib/services/teams/get";
import { serviceFailure, unauthenticated } from "./envelope";

export interface ApiCall<P> {
  ctx: ServiceContext;
  team: Team;
  params: P;
  request: Request;
  /** The JSON object sent; an InvalidInputError (a 400) for anything else. */
  body(): Promise<Record<string, unknown>>;
}

/** How Next hands a route handler its dynamic segments. */
export interface RouteContext<P> {
  params: Promise<P>;
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  // A JSON content type needs a CORS preflight, so a page on another site cannot post here with the session's cookie.
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    throw new InvalidInputError("send the body as JSON with content-type: application/json");
  }
  let parsed: unknown;
  try {
    parsed = await request.json();
  } catch {
    throw new InvalidInputError("the body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InvalidInputError("the body must be a JSON object");
  return parsed as Record<string, unknown>;
}

/**
 * A management API handler under /client/v4/accounts/{team}/…: the dashboard session's user acting
 * in the team (services check the role), the result in Cloudflare's envelope, service errors mapped
 * to their status.
 */
export function managementApi<P extends { team: string }>(
  run: (call: ApiCall<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    const user = await currentUser();
    if (!user) return unauthenticated();
    const params = await context.params;
    const ctx: ServiceContext = { db: await db(), actor: { type: "user", userId: user.id } };
    try {
      const team = await getTeamBySlug({ ctx, slug: params.team });
      return await run({ ctx, team, params, request, body: () => readBody(request) });
    } catch (error) {
      return serviceFailure(error);
    }
  };
}
