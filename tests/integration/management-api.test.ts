import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { apiTokens, users, type Role } from "@/db/schema";
import { createApiToken } from "@/lib/services/api-tokens/create";
import type { ApiTokenScope } from "@/lib/services/context";
import { changeMemberRole } from "@/lib/services/members/change-role";
import { removeMember } from "@/lib/services/members/remove";
import { createTeam } from "@/lib/services/teams/create";
import { signedInMember } from "../support/dashboard-session";
import { gatewayEntries } from "../support/entries";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase } from "../support/harness";
import { json } from "../support/http";
import { closeNextEntry } from "../support/next-entry";
import { operatorContext, uniqueSlug } from "../support/seed";

interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  errors: { code: number; message: string }[];
  messages: unknown[];
  result: T;
  result_info?: Record<string, number>;
}

/** The settings Cloudflare requires on create and on PUT. */
const REQUIRED = { cache_ttl: 0, cache_invalidate_on_update: false, collect_logs: true, rate_limiting_interval: 0, rate_limiting_limit: 0 };

afterAll(closeNextEntry);

// Management API paths are Next route handlers, which both production entries serve through Next:
// this suite runs with the Next entry (not in a TEST_GATEWAY_ENTRY=node run, which builds no Next).
if (gatewayEntries().includes("next")) describeEachDatabase("management API", managementApiSuite);

function managementApiSuite(database: () => DatabaseHandle): void {
  let server: GatewayServer | undefined;
  beforeAll(async () => {
    server = await startGatewayServer("next", { database: database() });
  });
  afterAll(() => server?.close());

  async function newTeam() {
    return createTeam({ ctx: operatorContext(database().db), slug: uniqueSlug("team") });
  }

  async function tokenFor(teamId: string, { scopes = ["read", "edit"], role = "admin" }: { scopes?: ApiTokenScope[]; role?: Role } = {}) {
    const { token, record } = await createApiToken({ ctx: operatorContext(database().db), teamId, name: "test", scopes, role });
    return { token, id: record.id };
  }

  function client(teamSlug: string, auth: { token?: string; cookie?: string }) {
    return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server!.url}/client/v4/accounts/${teamSlug}/ai-gateway${path}`, {
        method,
        headers: {
          ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
          ...(auth.cookie ? { cookie: auth.cookie } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await json<Envelope<T>>(res) };
    };
  }

  it("creates, lists, searches, reads, replaces and deletes gateways in Cloudflare's shapes, and gives a provider's base URL", async () => {
    const team = await newTeam();
    const call = client(team.slug, await tokenFor(team.id));

    const created = await call("POST", "/gateways", { id: "prod", ...REQUIRED, cache_ttl: 300, authentication: true, log_management: 10_000, log_management_strategy: "DELETE_OLDEST" });
    expect(created).toMatchObject({
      status: 201,
      body: {
        success: true,
        errors: [],
        result: { id: "prod", is_default: false, cache_ttl: 300, authentication: true, collect_logs: true, log_management: 10_000, log_management_strategy: "DELETE_OLDEST", retry_max_attempts: 1, guardrails: null, dlp: null, created_at: expect.any(String), modified_at: expect.any(String) },
      },
    });
    for (const id of ["staging", "prod-eu", "dev"]) expect((await call("POST", "/gateways", { id, ...REQUIRED })).status).toBe(201);
    expect(await call("POST", "/gateways", { id: "prod", ...REQUIRED })).toMatchObject({ status: 409, body: { errors: [{ code: 1002 }] } });

    const page = await call<{ id: string }[]>("GET", "/gateways?per_page=2&page=2");
    expect(page.body.result.map((g) => g.id)).toEqual(["prod-eu", "staging"]);
    expect(page.body.result_info).toEqual({ page: 2, per_page: 2, count: 2, total_count: 4 });
    const searched = await call<{ id: string }[]>("GET", "/gateways?search=PROD");
    expect(searched.body.result.map((g) => g.id)).toEqual(["prod", "prod-eu"]);

    expect((await call("GET", "/gateways/prod")).body.result).toMatchObject({ id: "prod", cache_ttl: 300 });
    const replaced = await call("PUT", "/gateways/prod", { ...REQUIRED, cache_ttl: null, rate_limiting_interval: 60, rate_limiting_limit: 100, retry_max_attempts: 3 });
    expect(replaced).toMatchObject({ status: 200, body: { result: { cache_ttl: 0, rate_limiting_interval: 60, rate_limiting_limit: 100, retry_max_attempts: 3, authentication: true } } });
    expect(await call("PUT", "/gateways/nope", REQUIRED)).toMatchObject({ status: 404, body: { errors: [{ code: 7003, message: 'gateway "nope" not found' }] } });

    expect(await call("GET", "/gateways/prod/url/openai")).toMatchObject({ status: 200, body: { result: expect.stringMatching(new RegExp(`/v1/${team.slug}/prod/openai$`)) } });
    expect(await call("GET", "/gateways/prod/url/nosuch")).toMatchObject({ status: 400, body: { errors: [{ code: 1001, message: expect.stringMatching(/^provider: unknown provider "nosuch"/) }] } });

    expect(await call("DELETE", "/gateways/dev")).toMatchObject({ status: 200, body: { result: { id: "dev" } } });
    expect((await call("GET", "/gateways/dev")).status).toBe(404);
  });

  it("refuses bad input with one error per problem, each naming the field", async () => {
    const team = await newTeam();
    const call = client(team.slug, await tokenFor(team.id));
    const refused = await call("POST", "/gateways", { id: "Bad Id", ...REQUIRED, cache_ttl: "300", retry_max_attempts: 9, colour: "blue" });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ success: false, result: null });
    expect(refused.body.errors).toEqual(
      expect.arrayContaining([
        { code: 1001, message: "id: use 1–64 lowercase letters, digits and hyphens" },
        { code: 1001, message: "cache_ttl: must be a whole number from 0 to 2592000" },
        { code: 1001, message: "retry_max_attempts: must be a whole number from 1 to 5" },
        { code: 1001, message: "colour: is not a field this accepts" },
      ]),
    );
    expect(refused.body.errors).toHaveLength(4);
    await call("POST", "/gateways", { id: "main", ...REQUIRED });
    // PUT replaces: a required setting left out is named.
    const { rate_limiting_limit: _limit, ...withoutLimit } = REQUIRED;
    expect((await call("PUT", "/gateways/main", withoutLimit)).body.errors).toEqual([
      { code: 1001, message: "rate_limiting_limit: must be a whole number from 0 to 2147483647" },
    ]);
    expect((await call("PUT", "/gateways/main", { ...REQUIRED, rate_limiting_limit: 5 })).body.errors).toEqual([
      // The gateway services' own check (lib/services/gateways/settings.ts) names the settings as they spell them.
      { code: 1001, message: "rateLimitingLimit and rateLimitingInterval must both be above 0 (or both 0 to turn rate limiting off)" },
    ]);
    expect((await call("POST", "/gateways", { id: "other", ...REQUIRED, authentication: "yes" })).body.errors).toEqual([
      { code: 1001, message: "authentication: Invalid input: expected boolean, received string" },
    ]);
    expect((await call("GET", "/gateways?per_page=abc")).body.errors).toEqual([{ code: 1001, message: "per_page: Invalid input: expected number, received NaN" }]);
    expect((await call("GET", "/gateways?per_page=500")).body.errors).toEqual([{ code: 1001, message: "per_page: must be a whole number from 1 to 100" }]);
    expect((await call("POST", "/custom-providers", { slug: "x", base_url: "ftp://x" })).body.errors).toEqual([
      { code: 1001, message: "base_url: must be an http:// or https:// URL" },
    ]);
  });

  it("checks the token's scope by method, its role, its team, and whether it is still valid", async () => {
    const team = await newTeam();
    const other = await newTeam();
    await client(team.slug, await tokenFor(team.id))("POST", "/gateways", { id: "main", ...REQUIRED });

    const reader = client(team.slug, await tokenFor(team.id, { scopes: ["read"] }));
    expect((await reader("GET", "/gateways/main")).status).toBe(200);
    expect(await reader("PUT", "/gateways/main", REQUIRED)).toMatchObject({
      status: 403,
      body: { success: false, errors: [{ code: 10000, message: "Authentication error: this needs an API token with the edit scope; this one has read" }] },
    });
    const editor = client(team.slug, await tokenFor(team.id, { scopes: ["edit"] }));
    expect((await editor("PUT", "/gateways/main", { ...REQUIRED, cache_ttl: 60 })).body.result).toMatchObject({ cache_ttl: 60 });
    expect((await editor("GET", "/gateways/main")).status).toBe(200);

    const viewerToken = client(team.slug, await tokenFor(team.id, { role: "viewer" }));
    expect(await viewerToken("DELETE", "/gateways/main")).toMatchObject({
      status: 403,
      body: { errors: [{ code: 10000, message: `this needs the admin role in team "${team.slug}"; this API token has the viewer role` }] },
    });

    const { token } = await tokenFor(team.id);
    expect(await client(other.slug, { token })("GET", "/gateways")).toMatchObject({ status: 404, body: { errors: [{ code: 7003 }] } });

    const revoked = await tokenFor(team.id);
    await database().db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, revoked.id));
    expect(await client(team.slug, revoked)("GET", "/gateways")).toMatchObject({ status: 401, body: { errors: [{ code: 10000, message: "Authentication error: the API token was revoked" }] } });
    const expired = await tokenFor(team.id);
    await database().db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expired.id));
    expect(await client(team.slug, expired)("GET", "/gateways")).toMatchObject({ status: 401, body: { errors: [{ message: "Authentication error: the API token has expired" }] } });
    expect(await client(team.slug, { token: "sya_forged" })("GET", "/gateways")).toMatchObject({ status: 401, body: { errors: [{ message: "Authentication error: the API token is not valid" }] } });
    expect(await client(team.slug, {})("GET", "/gateways")).toMatchObject({ status: 401, body: { errors: [{ code: 10000 }] } });
  });

  it("holds a user's token to the user's current role, and stops it when the user leaves", async () => {
    const team = await newTeam();
    const db = database().db;
    const { cookie, email } = await signedInMember(db, server!.url, team, "admin");
    const [user] = await db.select().from(users).where(eq(users.email, email));
    const ctx = { db, actor: { type: "user" as const, userId: user!.id } };
    expect((await client(team.slug, { cookie })("POST", "/gateways", { id: "by-session", ...REQUIRED })).status).toBe(201);
    const { token } = await createApiToken({ ctx, teamId: team.id, name: "mine", scopes: ["read", "edit"], role: "admin" });
    const call = client(team.slug, { token });
    expect((await call("POST", "/gateways", { id: "by-token", ...REQUIRED })).status).toBe(201);

    await changeMemberRole({ ctx: operatorContext(db), teamId: team.id, userId: user!.id, role: "viewer" });
    expect((await call("DELETE", "/gateways/by-token")).status).toBe(403);
    await removeMember({ ctx: operatorContext(db), teamId: team.id, userId: user!.id });
    expect(await call("GET", "/gateways")).toMatchObject({ status: 401, body: { errors: [{ message: "Authentication error: the API token's creator is no longer a member of the team" }] } });
  });

  it("manages custom providers, provider keys (the secret never shown) and gateway tokens", async () => {
    const team = await newTeam();
    const call = client(team.slug, await tokenFor(team.id));
    await call("POST", "/gateways", { id: "main", ...REQUIRED });

    const provider = await call("POST", "/custom-providers", { slug: "vllm", base_url: "https://vllm.example.com/v1/" });
    expect(provider).toMatchObject({ status: 201, body: { result: { id: expect.stringMatching(/^cp_/), slug: "vllm", name: "vllm", base_url: "https://vllm.example.com/v1" } } });
    expect((await call<unknown[]>("GET", "/custom-providers")).body.result).toHaveLength(1);
    expect((await call("GET", "/custom-providers/vllm")).body.result).toMatchObject({ slug: "vllm" });

    const secret = "sk-test-0123456789abcdefghij";
    const key = await call("POST", "/gateways/main/provider_configs", { provider_slug: "openai", alias: "default", secret });
    expect(key).toMatchObject({ status: 201, body: { result: { id: expect.stringMatching(/^pk_/), provider_slug: "openai", alias: "default", gateway_id: "main", default_config: true, secret_preview: "sk-t…ghij" } } });
    const teamKey = await call("POST", "/provider_configs", { provider_slug: "custom-vllm", secret });
    expect(teamKey).toMatchObject({ status: 201, body: { result: { gateway_id: null, provider_slug: "custom-vllm" } } });
    const listed = await call<{ id: string }[]>("GET", "/gateways/main/provider_configs");
    expect(listed.body.result.map((k) => k.id)).toEqual([(key.body.result as { id: string }).id]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await call("DELETE", `/provider_configs/${(key.body.result as { id: string }).id}`)).status).toBe(404);
    expect((await call("DELETE", `/gateways/main/provider_configs/${(key.body.result as { id: string }).id}`)).status).toBe(200);
    expect((await call<unknown[]>("GET", "/gateways/main/provider_configs")).body.result).toEqual([]);
    expect((await call("DELETE", "/custom-providers/vllm")).body.result).toMatchObject({ slug: "vllm" });
    expect((await call("GET", "/custom-providers/vllm")).status).toBe(404);

    const issued = await call<{ id: string; token: string }>("POST", "/tokens", { name: "app", gateways: ["main"], expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(issued).toMatchObject({ status: 201, body: { result: { id: expect.stringMatching(/^tok_/), name: "app", gateways: ["main"], token: expect.stringMatching(/^sy_/) } } });
    const tokens = await call<Record<string, unknown>[]>("GET", "/tokens");
    expect(tokens.body.result).toEqual([expect.objectContaining({ id: issued.body.result.id, revoked_at: null })]);
    expect(JSON.stringify(tokens.body)).not.toContain(issued.body.result.token);
    expect((await call("DELETE", `/tokens/${issued.body.result.id}`)).body.result).toMatchObject({ revoked_at: expect.any(String) });
  });
}
