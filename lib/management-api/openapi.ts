import { z } from "zod";
import { pageQuery } from "./pagination";
import {
  customProviderBodySchema,
  gatewayCreateBodySchema,
  gatewayListQuerySchema,
  gatewayTokenBodySchema,
  gatewayUpdateBodySchema,
  providerConfigBodySchema,
} from "./schemas";

/**
 * The management API as an OpenAPI 3.1 document, served at GET /client/v4/openapi.json. Request
 * bodies and query strings come from the zod schemas the handlers parse with, so the document
 * cannot drift from what is accepted; results are described by their main fields.
 */
type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/** A zod object's fields as OpenAPI query parameters. */
function queryParameters(schema: z.ZodType): JsonSchema[] {
  const { properties = {}, required = [] } = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({ name, in: "query", required: required.includes(name), schema: property }));
}

const pathParameter = (name: string, description: string) => ({ name, in: "path", required: true, schema: { type: "string" }, description });
const TEAM = pathParameter("team", "The team's slug (Cloudflare's account id)");
const GATEWAY = pathParameter("gateway", "The gateway's id (its slug)");

const envelope = (result: JsonSchema) => ({
  type: "object",
  required: ["success", "errors", "messages", "result"],
  properties: {
    success: { type: "boolean" },
    errors: { type: "array", items: { $ref: "#/components/schemas/ApiError" } },
    messages: { type: "array", items: {} },
    result,
    result_info: { $ref: "#/components/schemas/ResultInfo" },
  },
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (result: JsonSchema, status = "200") => ({
  [status]: { description: "Success", content: { "application/json": { schema: envelope(result) } } },
  default: { description: "Failure: one error per problem, each naming its field (400), authentication (401, 403: code 10000), not found (404: 7003), conflict (409)", content: { "application/json": { schema: envelope({ type: "null" }) } } },
});
const body = (schema: JsonSchema) => ({ required: true, content: { "application/json": { schema } } });
const list = (item: string) => ({ type: "array", items: ref(item) });
/** An object of nullable strings, plus `others`. */
const stringsObject = (names: string[], others: Record<string, JsonSchema> = {}) => ({
  type: "object",
  properties: { ...Object.fromEntries(names.map((name) => [name, { type: ["string", "null"] }])), ...others },
});

/** What the logs endpoints take (lib/management-api/logs.ts): Cloudflare's query parameters. */
const LOG_QUERY = [
  ...queryParameters(pageQuery({ perPage: 20, maxPerPage: 50 })),
  { name: "order_by", in: "query", schema: { type: "string", enum: ["created_at", "provider", "model", "model_type", "success", "cached", "cost", "tokens_in", "tokens_out", "duration"] } },
  { name: "order_by_direction", in: "query", schema: { type: "string", enum: ["asc", "desc"] } },
  { name: "filters", in: "query", description: 'A JSON array of {key, operator, value[]}, as Cloudflare\'s: e.g. [{"key":"status_code","operator":"eq","value":[500]}]', schema: { type: "string" } },
  { name: "meta_info", in: "query", description: "true: result_info carries the filtered count", schema: { type: "boolean" } },
  { name: "search", in: "query", description: "Full-text search over metadata", schema: { type: "string" } },
];

function document(): JsonSchema {
  const base = "/client/v4/accounts/{team}/ai-gateway";
  const gateways = `${base}/gateways`;
  const gateway = `${gateways}/{gateway}`;
  const routes = `${gateway}/routes`;
  const route = `${routes}/{route}`;
  const ROUTE = pathParameter("route", "The route's id or name");
  const logId = pathParameter("id", "The log's id (a UUIDv7)");
  const tag = (name: string, operations: Record<string, JsonSchema>, parameters: JsonSchema[]) =>
    Object.fromEntries([["parameters", parameters], ...Object.entries(operations).map(([method, op]) => [method, { tags: [name], ...op }])]);

  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard management API",
      version: "1",
      description:
        "Cloudflare AI Gateway's management API, in its v4 envelope. Authenticate with a team API token (`Authorization: Bearer sya_…`; " +
        "scopes: read for GET, edit for changes, run for calling the team's gateways with `cf-aig-authorization`, not this API; " +
        "at most the token's role and its creator's current role) or the dashboard's session cookie.",
    },
    security: [{ apiToken: [] }, { session: [] }],
    paths: {
      [gateways]: tag(
        "gateways",
        {
          get: { summary: "List gateways", parameters: queryParameters(gatewayListQuerySchema), responses: ok(list("Gateway")) },
          post: { summary: "Create a gateway", requestBody: body(schemaOf(gatewayCreateBodySchema)), responses: ok(ref("Gateway"), "201") },
        },
        [TEAM],
      ),
      [gateway]: tag(
        "gateways",
        {
          get: { summary: "Get a gateway", responses: ok(ref("Gateway")) },
          put: { summary: "Replace a gateway's settings (Cloudflare's required ones every time; others left out keep their value)", requestBody: body(schemaOf(gatewayUpdateBodySchema)), responses: ok(ref("Gateway")) },
          delete: { summary: "Delete a gateway", responses: ok(ref("Gateway")) },
        },
        [TEAM, GATEWAY],
      ),
      [`${gateway}/url/{provider}`]: tag(
        "gateways",
        { get: { summary: "The gateway's base URL for a provider (a provider slug, custom-{slug} or compat)", responses: ok({ type: "string", format: "uri" }) } },
        [TEAM, GATEWAY, pathParameter("provider", "A provider slug, custom-{slug}, or compat")],
      ),
      [`${gateway}/provider_configs`]: tag(
        "provider keys",
        {
          get: { summary: "List the gateway's stored provider keys (never their secrets)", parameters: queryParameters(pageQuery()), responses: ok(list("ProviderConfig")) },
          post: { summary: "Store a provider key for the gateway", requestBody: body(schemaOf(providerConfigBodySchema)), responses: ok(ref("ProviderConfig"), "201") },
        },
        [TEAM, GATEWAY],
      ),
      [`${gateway}/provider_configs/{key}`]: tag("provider keys", { delete: { summary: "Delete a stored key", responses: ok(ref("ProviderConfig")) } }, [TEAM, GATEWAY, pathParameter("key", "The key's id (pk_…)")]),
      [`${base}/provider_configs`]: tag(
        "provider keys",
        {
          get: { summary: "List the team-wide provider keys", parameters: queryParameters(pageQuery()), responses: ok(list("ProviderConfig")) },
          post: { summary: "Store a team-wide provider key", requestBody: body(schemaOf(providerConfigBodySchema)), responses: ok(ref("ProviderConfig"), "201") },
        },
        [TEAM],
      ),
      [`${base}/provider_configs/{key}`]: tag("provider keys", { delete: { summary: "Delete a team-wide key", responses: ok(ref("ProviderConfig")) } }, [TEAM, pathParameter("key", "The key's id (pk_…)")]),
      [`${base}/custom-providers`]: tag(
        "custom providers",
        {
          get: { summary: "List custom providers", parameters: queryParameters(pageQuery()), responses: ok(list("CustomProvider")) },
          post: { summary: "Create a custom provider (reached as custom-{slug})", requestBody: body(schemaOf(customProviderBodySchema)), responses: ok(ref("CustomProvider"), "201") },
        },
        [TEAM],
      ),
      [`${base}/custom-providers/{provider}`]: tag(
        "custom providers",
        { get: { summary: "Get a custom provider", responses: ok(ref("CustomProvider")) }, delete: { summary: "Delete a custom provider", responses: ok(ref("CustomProvider")) } },
        [TEAM, pathParameter("provider", "The custom provider's id or slug")],
      ),
      [`${base}/tokens`]: tag(
        "gateway tokens",
        {
          get: { summary: "List gateway tokens (cf-aig-authorization)", parameters: queryParameters(pageQuery()), responses: ok(list("GatewayToken")) },
          post: { summary: "Issue a gateway token; result.token is shown this once", requestBody: body(schemaOf(gatewayTokenBodySchema)), responses: ok(ref("GatewayToken"), "201") },
        },
        [TEAM],
      ),
      [`${base}/tokens/{token}`]: tag("gateway tokens", { delete: { summary: "Revoke a gateway token", responses: ok(ref("GatewayToken")) } }, [TEAM, pathParameter("token", "The token's id (tok_…)")]),
      [`${gateway}/logs`]: tag(
        "logs",
        {
          get: { summary: "List the gateway's request logs", parameters: LOG_QUERY, responses: ok(list("Log")) },
          delete: { summary: "Delete the logs a filter selects (admin; audited)", parameters: LOG_QUERY.filter((p) => p.name === "filters" || p.name === "search"), responses: ok({ type: "object" }) },
        },
        [TEAM, GATEWAY],
      ),
      [`${gateway}/logs/{id}`]: tag(
        "logs",
        {
          get: { summary: "Get a log", responses: ok(ref("Log")) },
          patch: {
            summary: "Set a log's feedback (-1, 0 or 1), score (0–100) or metadata",
            requestBody: body({ type: "object", additionalProperties: false, properties: { feedback: { type: "integer", enum: [-1, 0, 1] }, score: { type: "integer", minimum: 0, maximum: 100 }, metadata: { type: "object" } } }),
            responses: ok(ref("Log")),
          },
        },
        [TEAM, GATEWAY, logId],
      ),
      [`${gateway}/logs/{id}/request`]: tag("logs", { get: { summary: "The logged request body", responses: { 200: { description: "The body as logged" } } } }, [TEAM, GATEWAY, logId]),
      [`${gateway}/logs/{id}/response`]: tag("logs", { get: { summary: "The logged response body", responses: { 200: { description: "The body as logged" } } } }, [TEAM, GATEWAY, logId]),
      [routes]: tag(
        "dynamic routes",
        {
          get: { summary: "List dynamic routes", parameters: queryParameters(pageQuery()), responses: ok(list("Route")) },
          post: { summary: "Create a route (its first version)", requestBody: body(ref("RouteInput")), responses: ok(ref("Route"), "201") },
        },
        [TEAM, GATEWAY],
      ),
      [route]: tag(
        "dynamic routes",
        {
          get: { summary: "Get a route with the version in service", responses: ok(ref("Route")) },
          patch: { summary: "Rename a route", requestBody: body({ type: "object", required: ["name"], properties: { name: { type: "string" } } }), responses: ok(ref("Route")) },
          delete: { summary: "Delete a route", responses: ok({ type: "object", properties: { id: { type: "string" } } }) },
        },
        [TEAM, GATEWAY, ROUTE],
      ),
      [`${route}/versions`]: tag(
        "dynamic routes",
        {
          get: { summary: "List a route's versions", responses: ok({ type: "array", items: ref("RouteVersion") }) },
          post: { summary: "Save a new version", requestBody: body({ type: "object", required: ["elements"], properties: { elements: { type: "array", items: { type: "object" } } } }), responses: ok(ref("RouteVersion"), "201") },
        },
        [TEAM, GATEWAY, ROUTE],
      ),
      [`${route}/versions/{version}`]: tag("dynamic routes", { get: { summary: "Get a version", responses: ok(ref("RouteVersion")) } }, [TEAM, GATEWAY, ROUTE, pathParameter("version", "The version's id or number")]),
      [`${route}/deployments`]: tag(
        "dynamic routes",
        {
          get: { summary: "List a route's deployments", responses: ok({ type: "array", items: { type: "object" } }) },
          post: { summary: "Deploy a version", requestBody: body({ type: "object", required: ["version_id"], properties: { version_id: { type: ["string", "integer"] } } }), responses: ok({ type: "object" }, "201") },
        },
        [TEAM, GATEWAY, ROUTE],
      ),
      [`${route}/test`]: tag(
        "dynamic routes",
        { post: { summary: "Walk a sample request through a version or draft elements (calls nothing)", requestBody: body({ type: "object" }), responses: ok({ type: "object" }) } },
        [TEAM, GATEWAY, ROUTE],
      ),
    },
    components: {
      securitySchemes: {
        apiToken: { type: "http", scheme: "bearer", description: "A team API token (sya_…), created on the Tokens page or with `switchyard api-token create`" },
        session: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "The dashboard's session" },
      },
      schemas: {
        ApiError: { type: "object", required: ["code", "message"], properties: { code: { type: "integer", description: "1001 invalid input, 1002 conflict, 7003 not found, 10000 authentication or permission" }, message: { type: "string", description: "For bad input: the field, a colon, the problem" } } },
        ResultInfo: { type: "object", properties: { page: { type: "integer" }, per_page: { type: "integer" }, count: { type: "integer" }, total_count: { type: "integer" } } },
        Gateway: {
          ...schemaOf(gatewayCreateBodySchema),
          required: undefined,
          additionalProperties: undefined,
          description: "The gateway's settings, with is_default, created_at and modified_at",
        },
        ProviderConfig: stringsObject(["id", "provider_slug", "alias", "gateway_id", "secret_preview", "base_url", "last_used_at", "last_status", "created_at", "modified_at"], {
          default_config: { type: "boolean" },
          weight: { type: "integer" },
        }),
        CustomProvider: stringsObject(["id", "slug", "name", "base_url", "description", "created_at", "modified_at"], { enabled: { type: "boolean" } }),
        GatewayToken: stringsObject(["id", "name", "preview", "created_at", "expires_at", "last_used_at", "revoked_at"], {
          gateways: { type: ["array", "null"], items: { type: "string" } },
          token: { type: "string", description: "Only in the answer to POST" },
        }),
        Log: { type: "object", description: "A request log in Cloudflare's shape: id, created_at, provider, model, path, success, cached, status_code, tokens_in, tokens_out, cost, duration, metadata, feedback, score" },
        RouteInput: { type: "object", required: ["name", "elements"], properties: { name: { type: "string" }, elements: { type: "array", items: { type: "object" } } } },
        Route: { type: "object", properties: { id: { type: "string" }, name: { type: "string" }, gateway_id: { type: "string" }, elements: { type: "array" }, deployment: { type: ["object", "null"] }, version: ref("RouteVersion"), latest_version: { type: "integer" } } },
        RouteVersion: { type: "object", properties: { version_id: { type: "string" }, number: { type: "integer" }, active: { type: "string", enum: ["true", "false"] }, data: { type: "string" }, elements: { type: "array" }, is_valid: { type: "boolean" }, problems: { type: "array" }, created_at: { type: "string" } } },
      },
    },
  };
}

let built: JsonSchema | undefined;

/** GET /client/v4/openapi.json: public, as it documents only the API's shapes. */
export function openApiDocument(): Response {
  built ??= document();
  return Response.json(built, { headers: { "cache-control": "public, max-age=300" } });
}
