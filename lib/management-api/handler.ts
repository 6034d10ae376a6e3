import type { z } from "zod";
import { db } from "@/db/client";
import type { Team } from "@/db/schema";
import { currentUser } from "@/lib/auth/session";
import { clientIp } from "@/lib/auth/rate-limit";
import { authenticateApiToken } from "@/lib/services/api-tokens/authenticate";
import type { ApiTokenScope, Origin, ServiceContext } from "@/lib/services/context";
import { InvalidInputError } from "@/lib/services/errors";
import { getTeamBySlug } from "@/lib/services/teams/get";
import { parseInput } from "@/lib/services/validation";
import { failure, serviceFailure, unauthenticated } from "./envelope";

export interface ApiCall<P> {
  ctx: ServiceContext;
  team: Team;
  params: P;
  request: Request;
  /** The JSON object sent; an InvalidInputError (a 400) for anything else. */
  body(): Promise<Record<string, unknown>>;
  /** The JSON body parsed by `schema` (strict ones refuse unknown fields by name). */
  input<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
  /** The query string parsed by `schema` (one value per name). */
  query<S extends z.ZodType>(schema: S): z.output<S>;
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

/** Reading takes the read scope; anything else changes something and takes edit, which includes read (as Cloudflare's Edit does). */
function scopeFor(method: string): ApiTokenScope {
  return method === "GET" || method === "HEAD" ? "read" : "edit";
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The caller as a service context: a team API token (`Authorization: Bearer …`) or the dashboard session's user. */
async function callerContext(request: Request): Promise<ServiceContext | Response> {
  const origin: Origin = { via: "api", ip: clientIp(request.headers), userAgent: request.headers.get("user-agent") };
  const authorization = request.headers.get("authorization");
  const database = await db();
  if (authorization !== null) {
    const bearer = BEARER.exec(authorization)?.[1];
    if (!bearer) return unauthenticated("send the API token as Authorization: Bearer <token>");
    const result = await authenticateApiToken(database, bearer);
    if ("refused" in result) return unauthenticated(result.refused);
    const needed = scopeFor(request.method);
    const { scopes } = result.actor;
    if (!scopes.includes(needed) && !(needed === "read" && scopes.includes("edit"))) {
      return failure(403, { code: 10000, message: `Authentication error: this needs an API token with the ${needed} scope; this one has ${scopes.join(", ")}` });
    }
    return { db: database, actor: result.actor, origin };
  }
  const user = await currentUser();
  if (!user) return unauthenticated("send a team API token as Authorization: Bearer <token>, or sign in to the dashboard");
  return { db: database, actor: { type: "user", userId: user.id }, origin };
}

/**
 * A management API handler under /client/v4/accounts/{team}/…: the caller acting in the team
 * (services check the role; a token only in its own team, whose path must name it), the result in
 * Cloudflare's envelope, service errors mapped to their status.
 */
export function managementApi<P extends { team: string }>(
  run: (call: ApiCall<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    const ctx = await callerContext(request);
    if (ctx instanceof Response) return ctx;
    const params = await context.params;
    try {
      const team = await getTeamBySlug({ ctx, slug: params.team });
      return await run({
        ctx,
        team,
        params,
        request,
        body: () => readBody(request),
        input: async (schema) => parseInput(schema, await readBody(request)),
        query: (schema) => parseInput(schema, Object.fromEntries(new URL(request.url).searchParams)),
      });
    } catch (error) {
      return serviceFailure(error);
    }
  };
}
