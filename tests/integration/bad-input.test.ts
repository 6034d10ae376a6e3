import { connect } from "node:net";
import fc from "fast-check";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "@/lib/gateway/openai-body";
import { describeGateway } from "../support/harness";
import { bearer, chatBody } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

/**
 * The bad-input corpus: hundreds of malformed requests over every gateway surface, through both
 * entries. Each must get a 4xx, never a 5xx, with a JSON body the openai SDK reads as an error
 * (`error.message`, `error.type`), and none may reach the provider.
 *
 * The raw-socket cases (bad Host, asterisk-form targets, TRACE, oversized headers, bad framing)
 * run only through the node entry: they test server.ts's own node:http server, its request-line
 * checks and its `clientError` answers. The Next entry is Next's request handler behind a plain
 * node:http server, as `next start` serves it, where Next and node answer those themselves.
 */

const MAX_BODY_BYTES = 64 * 1024;

interface BadRequest {
  what: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** The exact status, when the case pins it. */
  status?: number;
  /** Text the error message must contain (what to fix). */
  mentions?: string;
  /** The `Allow` header a 405 must carry. */
  allow?: string;
}

interface Answer {
  status: number;
  contentType: string | null;
  allow: string | null;
  text: string;
}

/** Why `answer` is not a readable 4xx for `bad`, or undefined when it is. */
function problem(bad: BadRequest, answer: Answer): string | undefined {
  const where = `${bad.method ?? "POST"} ${bad.what}: ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status < 400 || answer.status > 499) return `not a 4xx: ${where}`;
  if (bad.status !== undefined && answer.status !== bad.status) return `expected ${bad.status}: ${where}`;
  if (!answer.contentType?.includes("application/json")) return `content-type ${answer.contentType}: ${where}`;
  let body: { error?: { message?: unknown; type?: unknown }; success?: unknown; errors?: Array<{ code?: unknown; message?: unknown }> };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    return `body is not JSON: ${where}`;
  }
  let message: unknown;
  if (isUniversal(bad.url)) {
    // Cloudflare's own envelope, which its client reads: `{success: false, error: [{code, message}], internalCode}`.
    const universal = body as { success?: unknown; error?: unknown; internalCode?: unknown };
    const first = Array.isArray(universal.error) ? (universal.error[0] as { code?: unknown; message?: unknown } | undefined) : undefined;
    if (universal.success !== false || typeof first?.code !== "number" || first.code !== universal.internalCode) return `not Cloudflare's envelope: ${where}`;
    message = first.message;
    if (typeof message !== "string" || message.length === 0) return `no error[0].message: ${where}`;
  } else if (isRunSurface(bad.url)) {
    // Workers AI's shape: Cloudflare's envelope, `{success: false, errors: [{code, message}]}`.
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (body.success !== false || typeof first?.code !== "number") return `not Cloudflare's error envelope: ${where}`;
    message = first.message;
    if (typeof message !== "string" || message.length === 0) return `no errors[0].message: ${where}`;
  } else {
    message = body.error?.message;
    if (typeof message !== "string" || message.length === 0) return `no error.message: ${where}`;
    if (typeof body.error?.type !== "string") return `no error.type: ${where}`;
  }
  if (bad.mentions !== undefined && !message.includes(bad.mentions)) return `message does not mention ${bad.mentions}: ${where}`;
  if (bad.allow !== undefined && answer.allow !== bad.allow) return `allow ${answer.allow}, expected ${bad.allow}: ${where}`;
  return undefined;
}

/** `/v1/{team}/{gateway}` itself, the Universal endpoint, which answers in Cloudflare's envelope. */
function isUniversal(url: string): boolean {
  return /^https?:\/\/[^/]+\/v1\/[^/]+\/[^/]+\/?$/.test(url);
}

/** `/ai/run…` and `/client/v4/accounts/{team}/ai/run…`, which answer in Workers AI's shape. */
function isRunSurface(url: string): boolean {
  return /^https?:\/\/[^/]+(\/client\/v4\/accounts\/[^/]+)?\/ai\/run(\/.|$)/.test(url);
}

async function send(bad: BadRequest): Promise<Answer> {
  const res = await fetch(bad.url, {
    method: bad.method ?? "POST",
    headers: bad.headers,
    body: bad.body,
  });
  return { status: res.status, contentType: res.headers.get("content-type"), allow: res.headers.get("allow"), text: await res.text() };
}

/**
 * A raw HTTP/1.1 exchange: `bytes` are sent as they are, the answer read until the server closes
 * the connection (every raw case asks it to, or is one it closes). Judges the first response.
 */
function sendRaw(origin: string, bytes: string): Promise<Answer & { statusLines: string[] }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes, "latin1"));
    const chunks: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = split === -1 ? text : text.slice(0, split);
      const header = (name: string) => new RegExp(`^${name}: *(.*)$`, "im").exec(head)?.[1]?.trim() ?? null;
      const rest = split === -1 ? "" : text.slice(split + 4);
      const length = header("content-length");
      resolve({
        status: Number(head.split(" ")[1]),
        contentType: header("content-type"),
        allow: header("allow"),
        text: header("transfer-encoding") === "chunked" ? dechunk(rest) : length === null ? rest : rest.slice(0, Number(length)),
        // Not anchored to a line start: a response sized by content-length has no line end after its body.
        statusLines: text.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [],
      });
    };
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer still leaves the answer to judge.
    socket.on("error", finish);
    socket.on("close", finish);
  });
}

/** The data of a chunked body (chunk sizes count bytes; the bodies here are ASCII JSON). */
function dechunk(body: string): string {
  let data = "";
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    const size = lineEnd === -1 ? 0 : parseInt(body.slice(at, lineEnd), 16);
    if (!size) return data;
    data += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

const deep = (levels: number, open: string, close: string, inner = "1") => open.repeat(levels) + inner + close.repeat(levels);
const deepChat = (value: string) => `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":${value}}]}`;
const lowSurrogateJson = '{"model":"\\udc00/x","messages":[]}';

/** Bodies the unified surfaces (model as `{provider}/{model}`) must refuse, each with what the message names. */
const BAD_UNIFIED_BODIES: Array<{ what: string; body: string | Uint8Array<ArrayBuffer>; mentions?: string }> = [
  { what: "empty body", body: "" },
  { what: "unterminated object", body: "{", mentions: "JSON" },
  { what: "plain text", body: "not json at all", mentions: "JSON" },
  { what: "truncated", body: '{"model": "openai/gpt-4o-mini", "messages": [', mentions: "JSON" },
  { what: "single quotes", body: "{'model':'openai/gpt-4o-mini'}", mentions: "JSON" },
  { what: "trailing comma", body: '{"model":"openai/gpt-4o-mini",}', mentions: "JSON" },
  { what: "comment", body: '{"model":"openai/gpt-4o-mini" /* hi */}', mentions: "JSON" },
  { what: "NaN", body: '{"model":"openai/gpt-4o-mini","temperature":NaN}', mentions: "JSON" },
  { what: "two objects", body: '{"model":"openai/x"}{"model":"openai/y"}', mentions: "JSON" },
  { what: "array", body: "[1,2]" },
  { what: "empty array", body: "[]" },
  { what: "null", body: "null" },
  { what: "number", body: "42" },
  { what: "string", body: '"openai/gpt-4o-mini"' },
  { what: "boolean", body: "true" },
  { what: "NUL byte", body: "\u0000" },
  { what: "NUL in JSON", body: '{"model":"openai/gpt-4o-mini"\u0000}' },
  { what: "invalid UTF-8", body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
  { what: "UTF-16 body", body: new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]) },
  { what: "lone low surrogate as provider", body: lowSurrogateJson },
  { what: "empty object", body: "{}", mentions: "model" },
  { what: "model null", body: '{"model":null}', mentions: "model" },
  { what: "model number", body: '{"model":42}', mentions: "model" },
  { what: "model boolean", body: '{"model":true}', mentions: "model" },
  { what: "model array", body: '{"model":["openai/gpt-4o-mini"]}', mentions: "model" },
  { what: "model object", body: '{"model":{"provider":"openai"}}', mentions: "model" },
  { what: "model empty", body: '{"model":""}', mentions: "model" },
  { what: "model slash", body: '{"model":"/"}', mentions: "model" },
  { what: "model without model", body: '{"model":"openai/"}', mentions: "model" },
  { what: "model without provider", body: '{"model":"/gpt-4o-mini"}', mentions: "model" },
  { what: "model without prefix", body: '{"model":"gpt-4o-mini"}', mentions: "gpt-4o-mini" },
  { what: "unknown provider", body: '{"model":"nosuchprovider/x"}', mentions: "nosuchprovider" },
  { what: "unknown custom provider", body: '{"model":"custom-missing/x"}', mentions: "custom-missing" },
  { what: "passthrough-only provider", body: '{"model":"deepgram/nova-3"}', mentions: "passthrough" },
  { what: "provider with spaces", body: '{"model":"open ai/x"}', mentions: "open ai" },
  { what: "provider with NUL", body: '{"model":"openai\\u0000/x"}' },
  { what: "provider lone surrogate", body: '{"model":"\\ud800/x"}' },
  { what: "provider path-like", body: '{"model":"../openai/x"}' },
  { what: "Vertex model without publisher", body: '{"model":"google-vertex-ai/gemini-2.5-flash"}', mentions: "gemini-2.5-flash" },
  { what: "Vertex model of an unknown publisher", body: '{"model":"google-vertex-ai/meta/llama-4"}', mentions: "meta/llama-4" },
  { what: "Vertex model nested", body: '{"model":"google-vertex-ai/google/a/b"}', mentions: "google/a/b" },
  { what: "dynamic route without a name", body: '{"model":"dynamic/"}', mentions: "dynamic" },
  { what: "dynamic route path-like", body: '{"model":"dynamic/../x"}', mentions: "dynamic" },
  { what: "dynamic route huge name", body: JSON.stringify({ model: `dynamic/${"x".repeat(50_000)}` }), mentions: "dynamic" },
  { what: "huge model name", body: JSON.stringify({ model: "x".repeat(50_000) }), mentions: "model" },
  { what: "duplicate model, last wins and is bad", body: '{"model":"openai/gpt-4o-mini","model":7}', mentions: "model" },
];

/** Bodies `/ai/run` (`{model, input}`) must refuse, each with what the message names. */
const BAD_RUN_BODIES: Array<{ what: string; body: string | Uint8Array<ArrayBuffer>; mentions?: string }> = [
  ...BAD_UNIFIED_BODIES.filter((bad) => bad.mentions === "JSON"),
  { what: "empty object", body: "{}", mentions: "model" },
  { what: "model number", body: '{"model":42,"input":{"prompt":"hi"}}', mentions: "model" },
  { what: "no input", body: '{"model":"@cf/meta/llama-3.1-8b-instruct"}', mentions: "input" },
  { what: "input array", body: '{"model":"openai/gpt-4o-mini","input":[1]}', mentions: "input" },
  { what: "input string", body: '{"model":"openai/gpt-4o-mini","input":"hi"}', mentions: "input" },
  { what: "a field beside input", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":"hi"},"stream":true}', mentions: "stream" },
  { what: "model without prefix", body: '{"model":"gpt-4o-mini","input":{"prompt":"hi"}}', mentions: "gpt-4o-mini" },
  { what: "unknown provider", body: '{"model":"nosuchprovider/x","input":{"prompt":"hi"}}', mentions: "nosuchprovider" },
  { what: "dot segments in an @cf model", body: '{"model":"@cf/../../x","input":{"prompt":"hi"}}', mentions: "@cf/../../x" },
  { what: "query in an @cf model", body: '{"model":"@cf/meta/x?y=1","input":{"prompt":"hi"}}', mentions: "Workers AI model" },
  { what: "encoded slash in an @cf model", body: '{"model":"@cf/meta%2f..%2fx/y","input":{"prompt":"hi"}}', mentions: "Workers AI model" },
  { what: "no messages nor prompt", body: '{"model":"openai/gpt-4o-mini","input":{}}', mentions: "messages" },
  { what: "prompt and messages", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":"a","messages":[{"role":"user","content":"b"}]}}', mentions: "prompt" },
  { what: "prompt not a string", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":7}}', mentions: "prompt" },
  { what: "raw", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":"hi","raw":true}}', mentions: "raw" },
  { what: "lora", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":"hi","lora":"x"}}', mentions: "lora" },
  { what: "bad role", body: '{"model":"openai/gpt-4o-mini","input":{"messages":[{"role":"robot","content":"hi"}]}}', mentions: "role" },
  { what: "bad tool", body: '{"model":"openai/gpt-4o-mini","input":{"prompt":"hi","tools":[7]}}', mentions: "tools[0]" },
  { what: "no Workers AI key", body: '{"model":"@cf/meta/llama-3.1-8b-instruct","input":{"prompt":"hi"}}', mentions: "accountId" },
];

const universalStep = { provider: "openai", endpoint: "chat/completions", query: chatBody("gpt-4o-mini") };

/** Bodies the Universal endpoint (a step or an array of steps) must refuse, each with what the message names. */
const BAD_UNIVERSAL_BODIES: Array<{ what: string; body: string | Uint8Array<ArrayBuffer>; mentions?: string }> = [
  ...BAD_UNIFIED_BODIES.filter((bad) => bad.mentions === "JSON"),
  { what: "empty body", body: "", mentions: "empty" },
  { what: "empty array", body: "[]", mentions: "empty" },
  { what: "a number", body: "42", mentions: "array of steps" },
  { what: "a chat body", body: JSON.stringify(chatBody("openai/gpt-4o-mini")), mentions: 'unknown field "model"' },
  { what: "too many steps", body: JSON.stringify(Array.from({ length: 11 }, () => universalStep)), mentions: "at most" },
  { what: "a step that is not an object", body: JSON.stringify([universalStep, "openai"]), mentions: "Step 1" },
  { what: "no provider", body: JSON.stringify([{ ...universalStep, provider: undefined }]), mentions: '"provider"' },
  { what: "provider with a slash", body: JSON.stringify([{ ...universalStep, provider: "openai/x" }]), mentions: '"provider"' },
  { what: "no endpoint", body: JSON.stringify([{ ...universalStep, endpoint: undefined }]), mentions: '"endpoint"' },
  { what: "endpoint with a NUL", body: JSON.stringify([{ ...universalStep, endpoint: "chat\u0000" }]), mentions: '"endpoint"' },
  { what: "endpoint with a fragment", body: JSON.stringify([{ ...universalStep, endpoint: "chat/completions#x" }]), mentions: '"endpoint"' },
  { what: "query an array", body: JSON.stringify([{ ...universalStep, query: [] }]), mentions: '"query"' },
  { what: "headers a string", body: JSON.stringify([{ ...universalStep, headers: "x" }]), mentions: '"headers"' },
  { what: "header value a number", body: JSON.stringify([{ ...universalStep, headers: { "x-a": 1 } }]), mentions: '"headers"' },
  { what: "header name with a colon", body: JSON.stringify([{ ...universalStep, headers: { "x:a": "1" } }]), mentions: '"headers"' },
  { what: "header value with CR LF", body: JSON.stringify([{ ...universalStep, headers: { "x-a": "1\r\nx-b: 2" } }]), mentions: '"headers"' },
  { what: "bad cf-aig header in a step", body: JSON.stringify([{ ...universalStep, headers: { "cf-aig-cache-ttl": "5" } }]), mentions: "cf-aig-cache-ttl" },
  { what: "authorization a number", body: JSON.stringify([{ ...universalStep, authorization: 1 }]), mentions: '"authorization"' },
  { what: "config a string", body: JSON.stringify([{ ...universalStep, config: "fast" }]), mentions: '"config"' },
  { what: "config maxAttempts 6", body: JSON.stringify([{ ...universalStep, config: { maxAttempts: 6 } }]), mentions: "config.maxAttempts" },
  { what: "config retryDelay too long", body: JSON.stringify([{ ...universalStep, config: { retryDelay: 60_000 } }]), mentions: "config.retryDelay" },
  { what: "config requestTimeout negative", body: JSON.stringify([{ ...universalStep, config: { requestTimeout: -1 } }]), mentions: "config.requestTimeout" },
  { what: "config backoff unknown", body: JSON.stringify([{ ...universalStep, config: { backoff: "fibonacci" } }]), mentions: "config.backoff" },
];

/** Nesting beyond MAX_JSON_DEPTH, anywhere in the body; refused before parsing, naming the limit. */
const TOO_DEEP: Array<{ what: string; body: string }> = [
  { what: "5,000 arrays", body: deep(5_000, "[", "]") },
  { what: "5,000 objects", body: deep(5_000, '{"a":', "}") },
  { what: "30,000 arrays", body: deep(30_000, "[", "]") },
  { what: "one past the limit", body: deep(MAX_JSON_DEPTH + 1, "[", "]") },
  { what: "deep messages content", body: deepChat(deep(5_000, "[", "]")) },
  { what: "deep object in content", body: deepChat(deep(1_000, '{"x":', "}")) },
  { what: "alternating arrays and objects", body: deepChat(deep(2_000, '[{"a":', "}]")) },
  { what: "deep and unterminated", body: `{"model":"openai/gpt-4o-mini","x":${"[".repeat(10_000)}` },
  { what: "deep after a string with brackets", body: deepChat(`["]]]]}}}}", ${deep(500, "[", "]")}]`) },
];

/** Every `cf-aig-*` header the gateway validates, with a value it refuses. */
const BAD_OPTION_HEADERS: Array<[string, string]> = [
  ["cf-aig-metadata", "{not json"],
  ["cf-aig-metadata", '["a","b"]'],
  ["cf-aig-metadata", "null"],
  ["cf-aig-metadata", '"string"'],
  ["cf-aig-metadata", "42"],
  ["cf-aig-metadata", JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })],
  ["cf-aig-metadata", JSON.stringify({ user: { id: 1 } })],
  ["cf-aig-metadata", JSON.stringify({ tags: ["a"] })],
  ["cf-aig-metadata", JSON.stringify({ nothing: null })],
  ["cf-aig-metadata", JSON.stringify({ "cf.reserved": "x" })],
  // Deep, but within the header size limit.
  ["cf-aig-metadata", deep(2_000, '{"a":', "}")],
  ["cf-aig-metadata", deep(5_000, "[", "]")],
  ["cf-aig-custom-cost", "{not json"],
  ["cf-aig-custom-cost", "{}"],
  ["cf-aig-custom-cost", '{"per_token_in":"cheap"}'],
  ["cf-aig-custom-cost", '{"per_token_in":-1,"per_token_out":1}'],
  ["cf-aig-custom-cost", "[1,2]"],
  ["cf-aig-custom-cost", deep(800, '{"per_token_in":', "}")],
  ["cf-aig-event-id", "x".repeat(65)],
  ["cf-aig-collect-log", "maybe"],
  ["cf-aig-collect-log", ""],
  ["cf-aig-collect-log-payload", "yes"],
  ["cf-aig-byok-alias", "bad alias!"],
  ["cf-aig-byok-alias", "x".repeat(65)],
  ["cf-aig-byok-alias", "ünïcode"],
  ["cf-aig-no-wholesale", "1"],
  ["cf-aig-gateway-id", "UPPER"],
  ["cf-aig-gateway-id", "../main"],
  ["cf-aig-gateway-id", ""],
  ["cf-aig-skip-cache", "1"],
  ["cf-aig-cache-ttl", "-1"],
  ["cf-aig-cache-ttl", "30"],
  ["cf-aig-cache-ttl", "abc"],
  ["cf-aig-cache-ttl", "99999999999"],
  ["cf-cache-ttl", "30"],
  ["cf-skip-cache", "maybe"],
  ["cf-aig-cache-key", "x".repeat(1025)],
  ["cf-aig-request-timeout", "0"],
  ["cf-aig-request-timeout", "abc"],
  ["cf-aig-request-timeout", "1.5"],
  ["cf-aig-request-timeout", "1e99"],
  ["cf-aig-max-attempts", "9"],
  ["cf-aig-max-attempts", "0"],
  ["cf-aig-retry-delay", "99999"],
  ["cf-aig-retry-delay", "-5"],
  ["cf-aig-backoff", "random"],
  ["cf-aig-dlp-policies", "pii,,secrets"],
  ["cf-aig-dlp-policies", "x".repeat(65)],
  ["cf-aig-otel-trace-id", "4bf92f3577b34da6"],
  ["cf-aig-otel-trace-id", "0".repeat(32)],
  ["cf-aig-otel-parent-span-id", "zz".repeat(8)],
];

/**
 * Credentials every surface refuses with 401 (the test gateway has authentication on). Another
 * team's token is refused where the URL names the team; on `/ai/v1` the token names the team.
 */
const badCredentials = (other: SeededTeam, teamInUrl: boolean): Array<{ what: string; headers: Record<string, string> }> => [
  { what: "no credentials", headers: {} },
  { what: "unknown sy_ token", headers: bearer("sy_notarealtoken") },
  { what: "empty sy_ token", headers: bearer("sy_") },
  { what: "unknown token in cf-aig-authorization", headers: { "cf-aig-authorization": "Bearer sy_nope" } },
  { what: "unknown sy_ token in Azure's api-key", headers: { "api-key": "sy_nope" } },
  { what: "unknown sy_ token in ElevenLabs' xi-api-key", headers: { "xi-api-key": "sy_nope" } },
  { what: "cf-aig-authorization without Bearer", headers: { "cf-aig-authorization": "sy_nope" } },
  { what: "cf-aig-authorization Basic", headers: { "cf-aig-authorization": "Basic dXNlcjpwYXNz" } },
  { what: "cf-aig-authorization empty", headers: { "cf-aig-authorization": "" } },
  { what: "cf-aig-authorization Bearer only", headers: { "cf-aig-authorization": "Bearer" } },
  { what: "huge token", headers: { "cf-aig-authorization": `Bearer sy_${"a".repeat(8_000)}` } },
  ...(teamInUrl
    ? [
        { what: "another team's token", headers: bearer(other.token) },
        { what: "another team's token in x-api-key", headers: { "x-api-key": other.token } },
      ]
    : []),
];

describeGateway(
  "bad input",
  (h) => {
    let t: SeededTeam;
    let other: SeededTeam;
    beforeAll(async () => {
      [t, other] = await Promise.all([h.seed(), h.seed()]);
    });

    const unified = () => [
      { what: "compat chat", url: `${t.gatewayUrl}/compat/chat/completions` },
      { what: "/ai/v1 chat", url: `${h.url}/ai/v1/chat/completions` },
      { what: "/ai/v1 embeddings", url: `${h.url}/ai/v1/embeddings` },
      { what: "compat embeddings", url: `${t.gatewayUrl}/compat/embeddings` },
      { what: "/client/v4 chat", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/chat/completions` },
      { what: "/client/v4 embeddings", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/embeddings` },
      // Anthropic's error shape ({"type":"error","error":{type,message}}) has the error.message and error.type checked here.
      { what: "/ai/v1 messages", url: `${h.url}/ai/v1/messages` },
      { what: "/client/v4 messages", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/messages` },
      { what: "/ai/v1 responses", url: `${h.url}/ai/v1/responses` },
      { what: "/client/v4 responses", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/responses` },
    ];
    /** The run surfaces, each with a body it would serve (Workers AI's shape, errors included). */
    const run = () => [
      { what: "/ai/run", url: `${h.url}/ai/run`, body: JSON.stringify({ model: "openai/gpt-4o-mini", input: { prompt: "hi" } }) },
      { what: "/ai/run/{model}", url: `${h.url}/ai/run/openai/gpt-4o-mini`, body: JSON.stringify({ prompt: "hi" }) },
      { what: "/client/v4 run", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/run`, body: JSON.stringify({ model: "openai/gpt-4o-mini", input: { prompt: "hi" } }) },
      { what: "/client/v4 run/@cf", url: `${h.url}/client/v4/accounts/${t.team.slug}/ai/run/@cf/meta/llama-3.1-8b-instruct`, body: JSON.stringify({ prompt: "hi" }) },
    ];
    const passthrough = () => ({ what: "openai passthrough", url: `${t.gatewayUrl}/openai/chat/completions` });
    const universal = () => ({ what: "Universal endpoint", url: t.gatewayUrl });
    const models = () => ({ what: "compat models", url: `${t.gatewayUrl}/compat/models`, method: "GET" });
    /** Every surface, each with a request it would serve. */
    const everySurface = () => [
      ...unified().map((s) => ({ ...s, body: JSON.stringify(chatBody("openai/gpt-4o-mini")) })),
      { ...passthrough(), body: JSON.stringify(chatBody("gpt-4o-mini")) },
      { ...universal(), body: JSON.stringify([universalStep]) },
      models(),
      { what: "/ai/v1 models", url: `${h.url}/ai/v1/models`, method: "GET" },
      ...run(),
    ];
    const authorized = () => ({ "content-type": "application/json", ...bearer(t.token) });

    /** Sends every case, then asserts none got anything but a readable 4xx and none reached the provider. */
    async function expectAllRefused(cases: BadRequest[]): Promise<void> {
      const before = h.fake.requests.length;
      const failures: string[] = [];
      for (const bad of cases) {
        if (process.env.TIMING) console.log("sending", bad.what.slice(0, 60)); const started = performance.now(); const why = problem(bad, await send(bad)); if (process.env.TIMING) console.log(Math.round(performance.now() - started), bad.what.slice(0, 60));
        if (why) failures.push(why);
      }
      expect(failures).toEqual([]);
      expect(h.fake.requests.length, "requests that reached the provider").toBe(before);
    }

    it("refuses malformed bodies and bad models on every unified surface with 400", async () => {
      await expectAllRefused(
        unified().flatMap((surface) =>
          BAD_UNIFIED_BODIES.map((bad) => ({
            what: `${surface.what}, ${bad.what}`,
            url: surface.url,
            headers: authorized(),
            body: bad.body,
            status: 400,
            mentions: bad.mentions,
          })),
        ),
      );
    });

    it("refuses malformed /ai/run bodies, inputs and models with 400 in Cloudflare's error envelope", async () => {
      const [runWithModel, runPathOpenAi, , runPathCf] = run();
      await expectAllRefused([
        ...[runWithModel!, run()[2]!].flatMap((surface) =>
          BAD_RUN_BODIES.map((bad) => ({ what: `${surface.what}, ${bad.what}`, url: surface.url, headers: authorized(), body: bad.body, status: 400, mentions: bad.mentions })),
        ),
        { what: "/ai/run/{model}, no messages", url: runPathOpenAi!.url, headers: authorized(), body: "{}", status: 400, mentions: "messages" },
        { what: "/ai/run/{model}, not JSON", url: runPathOpenAi!.url, headers: authorized(), body: "{", status: 400, mentions: "JSON" },
        { what: "/ai/run/@cf, array", url: runPathCf!.url, headers: authorized(), body: "[]", status: 400, mentions: "JSON" },
        { what: "/ai/run/@cf, no key", url: runPathCf!.url, headers: authorized(), body: "{}", status: 400, mentions: "accountId" },
        { what: "/ai/run/@cf with dot segments", url: `${h.url}/ai/run/@cf/meta/%2e%2e%2fx`, headers: authorized(), body: "{}", status: 400, mentions: "Workers AI model" },
        { what: "/ai/run/no-provider", url: `${h.url}/ai/run/gpt-4o-mini`, headers: authorized(), body: "{}", status: 400, mentions: "gpt-4o-mini" },
      ]);
    });

    it("refuses malformed Universal bodies and steps with 400 in Cloudflare's envelope, naming the step and field", async () => {
      await expectAllRefused(
        BAD_UNIVERSAL_BODIES.map((bad) => ({ what: `${universal().what}, ${bad.what}`, url: universal().url, headers: authorized(), body: bad.body, status: 400, mentions: bad.mentions })),
      );
    });

    it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 naming the limit, passthrough included`, async () => {
      const surfaces = [...unified(), ...run(), passthrough(), universal()];
      await expectAllRefused(
        surfaces.flatMap((surface) =>
          TOO_DEEP.map((bad) => ({
            what: `${surface.what}, ${bad.what}`,
            url: surface.url,
            headers: authorized(),
            body: bad.body,
            status: 400,
            mentions: String(MAX_JSON_DEPTH),
          })),
        ),
      );
    });

    it("refuses what Bedrock's Converse cannot carry, and bad Bedrock model ids, with 400 naming the field", async () => {
      // A stored Bedrock key (never reached: every case is refused before the call).
      await addKey(t, { provider: "aws-bedrock", baseUrl: h.fake.baseUrl, secret: JSON.stringify({ accessKeyId: "AKIABADINPUT00000001", secretAccessKey: "s", region: "us-east-1" }) });
      const bedrock = (extra: Record<string, unknown>, model = "anthropic.claude-sonnet-4-5-20250929-v1:0") => JSON.stringify(chatBody(`aws-bedrock/${model}`, extra));
      const cases = [
        { what: "seed", body: bedrock({ seed: 1 }), mentions: "seed" },
        { what: "n > 1", body: bedrock({ n: 2 }), mentions: "n" },
        { what: "tool_choice none", body: bedrock({ tools: [{ type: "function", function: { name: "f" } }], tool_choice: "none" }), mentions: "tool_choice" },
        { what: "an image URL that is not one", body: bedrock({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "nope" } }] }] }), mentions: "image_url" },
        { what: "reasoning for a model without it", body: bedrock({ reasoning_effort: "low" }, "meta.llama3-3-70b-instruct-v1:0"), mentions: "reasoning" },
        { what: "a model id with spaces", body: bedrock({}, "bad model id"), mentions: "model" },
      ];
      await expectAllRefused(
        [unified()[0]!, unified()[1]!].flatMap((surface) => cases.map((bad) => ({ what: `${surface.what}, Bedrock ${bad.what}`, url: surface.url, headers: authorized(), body: bad.body, status: 400, mentions: bad.mentions }))),
      );
    });

    it("serves JSON nested right up to the limit", async () => {
      const body = `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x":${deep(MAX_JSON_DEPTH - 1, "[", "]")}}`;
      const res = await fetch(`${t.gatewayUrl}/compat/chat/completions`, { method: "POST", headers: authorized(), body });
      expect(res.status, await res.clone().text()).toBe(200);
      await res.text();
    });

    it("refuses bodies over the size limit with 413 on every surface that takes one", async () => {
      const big = JSON.stringify(chatBody("openai/gpt-4o-mini", { padding: "x".repeat(MAX_BODY_BYTES) }));
      await expectAllRefused(
        [...unified(), ...run(), passthrough(), universal()].map((surface) => ({
          what: `${surface.what}, ${big.length} bytes`,
          url: surface.url,
          headers: authorized(),
          body: big,
          status: 413,
          mentions: String(MAX_BODY_BYTES),
        })),
      );
    });

    it("refuses every bad cf-aig-* option header on every surface with 400 naming the header", async () => {
      await expectAllRefused(
        everySurface().flatMap((surface) =>
          BAD_OPTION_HEADERS.map(([name, value]) => ({
            ...surface,
            what: `${surface.what}, ${name}: ${value.slice(0, 40)}`,
            headers: { ...authorized(), [name]: value },
            status: 400,
            mentions: name,
          })),
        ),
      );
    });

    it("refuses missing, unknown and foreign credentials on every surface with 401", async () => {
      await expectAllRefused(
        everySurface().flatMap((surface) =>
          badCredentials(other, !surface.url.startsWith(`${h.url}/ai/`)).map((bad) => ({
            ...surface,
            what: `${surface.what}, ${bad.what}`,
            headers: { "content-type": "application/json", ...bad.headers },
            status: 401,
          })),
        ),
      );
    });

    it("refuses methods a surface does not serve with 405 and an Allow header", async () => {
      const cases: BadRequest[] = [
        ...[...unified(), ...run(), universal()].flatMap((surface) =>
          ["GET", "PUT", "PATCH", "DELETE", "OPTIONS"].map((method) => ({ ...surface, method, status: 405, allow: "POST" })),
        ),
        ...["POST", "PUT", "PATCH", "DELETE", "OPTIONS"].map((method) => ({ ...models(), method, status: 405, allow: "GET" })),
      ];
      await expectAllRefused(
        cases.map((bad) => ({ ...bad, what: `${bad.method} ${bad.what}`, headers: authorized(), body: bad.method === "GET" ? undefined : "{}" })),
      );
    });

    it("refuses paths that are no surface, or name no gateway, with 404 and unknown providers with 400", async () => {
      const gw = t.gatewayUrl;
      const paths: Array<[string, number]> = [
        // The Universal endpoint, whose body is steps, not a chat request.
        [`${gw}`, 400],
        [`${gw}/`, 400],
        [`${gw}/compat`, 404],
        [`${gw}/compat/`, 404],
        [`${gw}/compat/completions`, 404],
        [`${gw}/compat/chat/completions/extra`, 404],
        [`${gw}/compat/embeddings/extra`, 404],
        [`${gw}/run/@cf/meta/llama`, 404],
        [`${gw}/nosuchprovider/chat/completions`, 400],
        [`${gw}/custom-missing/chat/completions`, 400],
        [`${gw}/%00/chat/completions`, 400],
        // A Vertex passthrough with no key stored for it, and a region that is not one: refused before any call.
        [`${gw}/google-vertex-ai/v1/projects/p/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent`, 400],
        [`${gw}/google-vertex-ai/v1/projects/p/locations/Evil.Host%2F/publishers/google/models/m:generateContent`, 400],
        // A gateway token in Google's ?key= would be forwarded in the URL: refused before any call.
        [`${gw}/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent?key=${t.token}`, 400],
        [`${gw}/%F0%9F%98%80/chat/completions`, 400],
        // Azure's passthrough names a host and a path segment: both must be names.
        [`${gw}/azure-openai/bad_resource!/chat-prod/chat/completions?api-version=2024-10-21`, 400],
        [`${gw}/azure-openai/evil.example.com/chat-prod/chat/completions`, 400],
        [`${gw}/azure-openai/myresource/-deployment/chat/completions`, 400],
        [`${h.url}/v1/${t.team.slug}/nosuchgateway/compat/chat/completions`, 404],
        [`${h.url}/v1/nosuchteam/main/compat/chat/completions`, 404],
        [`${h.url}/v1/${other.team.slug}/main/compat/chat/completions`, 401],
        [`${h.url}/v1/%00/%00/compat/chat/completions`, 404],
        [`${h.url}/v1/${"t".repeat(2_000)}/main/compat/chat/completions`, 404],
        [`${h.url}/v1/x`, 404],
        [`${h.url}/v1//main/compat/chat/completions`, 404],
        [`${h.url}/ai/v1/completions`, 404],
        [`${h.url}/ai/v1/chat/completions/x`, 404],
        [`${h.url}/ai/v1/models`, 405],
        [`${h.url}/ai/runs`, 404],
        [`${h.url}/ai/v1`, 404],
        [`${h.url}/client/v4/accounts/${t.team.slug}/ai/v1/files`, 404],
        [`${h.url}/client/v4/accounts/${other.team.slug}/ai/v1/chat/completions`, 401],
        [`${h.url}/client/v4/accounts/nosuchteam/ai/v1/chat/completions`, 401],
      ];
      await expectAllRefused(
        paths.map(([url, status]) => ({
          what: url.slice(h.url.length, h.url.length + 120),
          url,
          headers: authorized(),
          body: JSON.stringify(chatBody("openai/gpt-4o-mini")),
          status,
        })),
      );
    });

    it("keeps a keep-alive connection serving after refusing a body it did not read", async () => {
      const path = `/v1/${t.team.slug}/main/compat`;
      const host = new URL(h.url).host;
      const tooLarge = "x".repeat(4 * MAX_BODY_BYTES);
      const refusedUnread = [
        // Refused by its declared size, and refused before the body is looked at.
        `POST ${path}/chat/completions HTTP/1.1\r\nHost: ${host}\r\nauthorization: Bearer ${t.token}\r\ncontent-length: ${tooLarge.length}\r\n\r\n${tooLarge}`,
        `POST ${path}/chat/completions HTTP/1.1\r\nHost: ${host}\r\ncontent-length: ${tooLarge.length}\r\n\r\n${tooLarge}`,
      ].join("");
      const next = `GET ${path}/models HTTP/1.1\r\nHost: ${host}\r\nauthorization: Bearer ${t.token}\r\nconnection: close\r\n\r\n`;
      const answer = await sendRaw(h.url, refusedUnread + next);
      expect(answer.statusLines).toEqual(["HTTP/1.1 413 Payload Too Large", "HTTP/1.1 401 Unauthorized", "HTTP/1.1 200 OK"]);
    });

    it("gives the openai SDK errors it reads: status, message and type", async () => {
      const compat = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      const rest = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 });
      const refused = async (call: Promise<unknown>, status: number, mentions: string) => {
        const error: unknown = await call.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(OpenAI.APIError);
        const apiError = error as InstanceType<typeof OpenAI.APIError>;
        expect(apiError.status).toBe(status);
        expect(apiError.message).toContain(mentions);
        expect(apiError.type).toBe("invalid_request_error");
      };
      const nested = JSON.parse(deep(MAX_JSON_DEPTH + 10, "[", "]")) as unknown;
      await refused(
        compat.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: nested as string }] }),
        400,
        String(MAX_JSON_DEPTH),
      );
      await refused(compat.chat.completions.create({ model: "gpt-4o-mini", messages: [] }), 400, "gpt-4o-mini");
      await refused(
        compat.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [] }, { headers: { "cf-aig-metadata": "[1]" } }),
        400,
        "cf-aig-metadata",
      );
      await refused(compat.models.list({ headers: { "cf-aig-cache-ttl": "5" } }), 400, "cf-aig-cache-ttl");
      await refused(rest.embeddings.create({ model: "nosuchprovider/x", input: "hi" }), 400, "nosuchprovider");
    });

    it("never answers a fuzzed mix of surface, method, option headers and body with a 5xx", async () => {
      const optionHeader = fc.tuple(
        fc.constantFrom(...BAD_OPTION_HEADERS.map(([name]) => name)),
        fc.oneof(
          fc.constantFrom(...BAD_OPTION_HEADERS.map(([, value]) => value)),
          fc.json({ maxDepth: 2 }).filter((json) => json.length <= 2_000),
          fc.constantFrom("true", "60", "main"),
        ),
      );
      // All of a request's headers stay under node's default 16 KiB limit: past it, plain `next start`
      // (the next entry) is answered 431 with an empty body by node's parser before any code of ours
      // runs. server.ts answers oversized headers itself, tested on raw sockets below.
      const optionHeaders = fc
        .array(optionHeader, { maxLength: 3 })
        .filter((headers) => headers.reduce((bytes, [name, value]) => bytes + name.length + value.length, 0) <= 14_000);
      const body = fc.oneof(
        fc.constantFrom(...BAD_UNIFIED_BODIES.map((bad) => bad.body), ...TOO_DEEP.map((bad) => bad.body)),
        fc.record({ model: fc.oneof(fc.constantFrom("openai/gpt-4o-mini", "gpt-4o-mini", "openai/"), fc.jsonValue({ maxDepth: 1 })), messages: fc.jsonValue({ maxDepth: 3 }), stream: fc.jsonValue({ maxDepth: 0 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
        fc.string({ unit: "binary", maxLength: 200 }),
      );
      const request = fc.record({
        surface: fc.constantFrom(...everySurface().map((surface) => surface.url)),
        method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
        headers: optionHeaders,
        contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        body,
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ surface, method, headers, contentType, body }) => {
          const bad: BadRequest = {
            what: surface.slice(h.url.length),
            url: surface,
            method,
            headers: { ...Object.fromEntries(headers), "content-type": contentType, ...bearer(t.token) },
            body: method === "GET" ? undefined : body,
          };
          const answer = await send(bad);
          if (answer.status < 400) return;
          expect(problem(bad, answer)).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });

    describe("raw sockets (node entry only: server.ts's own node:http server)", () => {
      const runsOnNode = () => h.server.entry === "node";

      it("answers bad Host headers, request targets, methods and framing with a readable 4xx", async () => {
        if (!runsOnNode()) return;
        const path = `/v1/${t.team.slug}/main/compat/chat/completions`;
        const body = JSON.stringify(chatBody("openai/gpt-4o-mini"));
        const post = (target: string, headers: string, payload = body) =>
          `POST ${target} HTTP/1.1\r\n${headers}authorization: Bearer ${t.token}\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`;
        const get = (target: string, headers = "Host: x\r\n", method = "GET") =>
          `${method} ${target} HTTP/1.1\r\n${headers}connection: close\r\n\r\n`;
        const cases: Array<{ what: string; bytes: string; status: number; mentions?: string; allow?: string }> = [
          ...["a b", "x:99999", "u@evil", "evil/path", "evil?q", "evil#f", "[::1", "x:-1", "x:port", "a\\b", ""].map((host) => ({
            what: `Host: ${host}`,
            bytes: post(path, `Host: ${host}\r\n`),
            status: 400,
            mentions: "Host",
          })),
          ...["/", "/api/health", "/sign-in"].map((target) => ({ what: `bad Host on ${target}`, bytes: get(target, "Host: a b\r\n"), status: 400 })),
          { what: "HTTP/1.1 without Host", bytes: get(path, ""), status: 400, mentions: "Host" },
          { what: "OPTIONS *", bytes: get("*", "Host: x\r\n", "OPTIONS"), status: 400, mentions: "*" },
          { what: "POST *", bytes: post("*", "Host: x\r\n"), status: 400, mentions: "*" },
          { what: "GET *", bytes: get("*"), status: 400 },
          { what: "absolute-form with a bad URL", bytes: get("http://[::1/v1/x"), status: 400 },
          { what: "authority-form", bytes: get("example.com:443"), status: 400 },
          ...[path, "/", "/api/health", `/v1/${t.team.slug}/main/openai/models`].map((target) => ({
            what: `TRACE ${target}`,
            bytes: get(target, "Host: x\r\n", "TRACE"),
            status: 405,
            allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
          })),
          // Node's parser knows no TRACK (refused as an invalid method), nor FROB.
          { what: "TRACK", bytes: get(path, "Host: x\r\n", "TRACK"), status: 400 },
          { what: "PROPFIND on passthrough", bytes: get(`/v1/${t.team.slug}/main/openai/models`, `Host: x\r\nauthorization: Bearer ${t.token}\r\n`, "PROPFIND"), status: 405 },
          { what: "header over the size limit", bytes: get(path, `Host: x\r\nx-big: ${"a".repeat(20_000)}\r\n`), status: 431 },
          { what: "request line over the size limit", bytes: get(`${path}?q=${"a".repeat(20_000)}`), status: 431 },
          { what: "many headers over the size limit", bytes: get(path, `Host: x\r\n${"x-h: aaaaaaaaaa\r\n".repeat(2_000)}`), status: 431 },
          { what: "two content-lengths", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`, status: 400 },
          { what: "content-length and chunked", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400 },
          { what: "negative content-length", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`, status: 400 },
          { what: "non-numeric content-length", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n`, status: 400 },
          { what: "bad chunk size", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n`, status: 400 },
          { what: "unknown transfer-encoding", bytes: `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nab`, status: 400 },
          { what: "header without a colon", bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n`, status: 400 },
          { what: "space in a header name", bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nx y: 1\r\n\r\n`, status: 400 },
          { what: "NUL in a header value", bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nx-a: a\u0000b\r\n\r\n`, status: 400 },
          { what: "obsolete line folding", bytes: `GET ${path} HTTP/1.1\r\nHost: x\r\nx-a: a\r\n  b\r\n\r\n`, status: 400 },
          { what: "bare LF line endings", bytes: `GET ${path} HTTP/1.1\nHost: x\n\n`, status: 400 },
          { what: "unknown HTTP version", bytes: `GET ${path} HTTP/9.9\r\nHost: x\r\n\r\n`, status: 400 },
          { what: "unknown method", bytes: `FROB ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 400 },
          { what: "garbage", bytes: "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 not http\r\n\r\n", status: 400 },
          { what: "space in the path", bytes: `GET /v1/a b/main HTTP/1.1\r\nHost: x\r\n\r\n`, status: 400 },
          // Bytes above 0x7f, which node passes on as latin-1, in the path and in an echoed header.
          { what: "latin-1 provider in the path", bytes: post(`/v1/${t.team.slug}/main/nosuch\xe9/chat`, "Host: x\r\n"), status: 400 },
          { what: "latin-1 event id", bytes: post(path, "Host: x\r\ncf-aig-event-id: \xe9v\xe9nement\r\n", '{"model":"gpt-4o-mini"}'), status: 400 },
          { what: "latin-1 metadata", bytes: post(path, 'Host: x\r\ncf-aig-metadata: {"\xe9":1}\r\n', '{"model":7}'), status: 400 },
        ];
        const before = h.fake.requests.length;
        const failures: string[] = [];
        for (const bad of cases) {
          const why = problem({ ...bad, url: "", method: "RAW" }, await sendRaw(h.url, bad.bytes));
          if (why) failures.push(why);
        }
        expect(failures).toEqual([]);
        expect(h.fake.requests.length).toBe(before);
      });
    });
  },
  { maxBodyBytes: MAX_BODY_BYTES },
);
