import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI, Type } from "@google/genai";
import { OAuth2Client } from "google-auth-library";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { InvalidInputError } from "@/lib/services/errors";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE } from "../fake-providers/anthropic";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_USAGE } from "../fake-providers/gemini";
import { startFakeVertex, type FakeVertex, type TestServiceAccount } from "../fake-providers/vertex";
import { describeGateway } from "../support/harness";
import { json, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

// The fake's token endpoint is on 127.0.0.1, as a token_uri only a deployment allowing private upstreams may use.
vi.stubEnv("SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS", "true");
afterAll(() => vi.unstubAllEnvs());

const GEMINI = "gemini-2.5-flash";
const CLAUDE = "claude-sonnet-4-5";
const weatherTool: OpenAI.ChatCompletionTool = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

describeGateway("Google Vertex AI", (h) => {
  let fake: FakeVertex;
  beforeAll(async () => {
    fake = await startFakeVertex();
  });
  afterAll(() => fake.close());

  interface Seeded {
    t: SeededTeam;
    account: TestServiceAccount;
    /** The OpenAI SDK on compat. */
    compat: OpenAI;
  }

  /** A team whose stored Vertex key is a fresh service account of the fake's (so its own token cache), at the fake's host. */
  async function seeded(options: { alias?: string; secret?: string; region?: string } = {}): Promise<Seeded> {
    const t = await h.seed({ storedKey: false });
    const account = fake.serviceAccount({ projectId: "proj-vtx", region: options.region ?? "europe-west4" });
    await addKey(t, { provider: "google-vertex-ai", alias: options.alias, baseUrl: fake.origin, secret: options.secret ?? JSON.stringify(account.json) });
    const defaultHeaders = options.alias === undefined ? undefined : { "cf-aig-byok-alias": options.alias };
    return { t, account, compat: new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0, defaultHeaders }) };
  }

  /** The fake's requests for a service account's project, newest last. */
  const upstream = () => fake.requests.filter((r) => r.project === "proj-vtx").at(-1)!;

  async function streamedToolCalls(compat: OpenAI, model: string) {
    const { data: stream, response } = await compat.chat.completions
      .create({ model, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const calls = new Map<number, { id: string; name: string; args: string }>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const seen = calls.get(call.index) ?? { id: "", name: "", args: "" };
        calls.set(call.index, { id: seen.id || (call.id ?? ""), name: seen.name || (call.function?.name ?? ""), args: seen.args + (call.function?.arguments ?? "") });
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    return { calls: [...calls.values()], usage, finish, logId: response.headers.get("cf-aig-log-id")! };
  }

  it("streams a Gemini model's tool calls to the OpenAI SDK, on the key's project and region, and logs usage and cost", async () => {
    const { compat } = await seeded();
    const { calls, usage, finish, logId } = await streamedToolCalls(compat, `google-vertex-ai/google/${GEMINI}`);
    expect(calls).toEqual([{ id: expect.any(String), name: "get_weather", args: JSON.stringify({ city: "fake-city" }) }]);
    expect(finish).toBe("tool_calls");
    expect(usage?.prompt_tokens).toBe(FAKE_GEMINI_USAGE.promptTokenCount);

    expect(upstream()).toMatchObject({ path: `/v1/projects/proj-vtx/locations/europe-west4/publishers/google/models/${GEMINI}:streamGenerateContent`, query: { alt: "sse" } });
    expect(fake.takes(String(upstream().headers.authorization).slice("Bearer ".length))).toBe(true);

    const row = await h.logRow(logId);
    expect(row).toMatchObject({ provider: "google-vertex-ai", model: `google/${GEMINI}`, stream: true, statusCode: 200, tokensIn: FAKE_GEMINI_USAGE.promptTokenCount });
    expect(row.costMicros).toBeGreaterThan(0);
    expect(row.costMicros).toBe(costMicros("google-ai-studio", GEMINI, { input: row.tokensIn!, output: row.tokensOut!, cached: row.tokensCached ?? 0 }).micros);
  });

  it("streams an Anthropic model's tool calls to the OpenAI SDK through streamRawPredict, the body as Vertex wants it", async () => {
    const { compat } = await seeded();
    const { calls, usage, finish, logId } = await streamedToolCalls(compat, `google-vertex-ai/anthropic/${CLAUDE}`);
    expect(calls).toEqual([{ id: expect.any(String), name: "get_weather", args: JSON.stringify({ city: "fake-city" }) }]);
    expect(finish).toBe("tool_calls");
    expect(usage?.completion_tokens).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);

    const seen = upstream();
    expect(seen.path).toBe(`/v1/projects/proj-vtx/locations/europe-west4/publishers/anthropic/models/${CLAUDE}:streamRawPredict`);
    expect(seen.body).toMatchObject({ anthropic_version: "vertex-2023-10-16", stream: true });
    expect(seen.body).not.toHaveProperty("model");
    // max_tokens, which Anthropic requires, comes from the catalog by publisher.
    expect(seen.body?.max_tokens).toBeGreaterThan(0);

    const row = await h.logRow(logId);
    expect(row).toMatchObject({ provider: "google-vertex-ai", model: `anthropic/${CLAUDE}`, stream: true, statusCode: 200, tokensOut: FAKE_ANTHROPIC_USAGE.output_tokens });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("answers the REST API and Anthropic's SDK on /ai/v1/messages, the latter's body going as sent", async () => {
    const { t } = await seeded();
    const rest = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 });
    const completion = await rest.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]?.message.content).toBe(FAKE_GEMINI_CONTENT);
    expect(upstream().action).toBe("generateContent");

    const claude = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0 });
    const message = await claude.messages.create({ model: `google-vertex-ai/anthropic/${CLAUDE}`, max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    expect(upstream()).toMatchObject({ action: "rawPredict" });
    expect(upstream().body).toEqual({ anthropic_version: "vertex-2023-10-16", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
  });

  it("mints one token for many requests, concurrent ones included, and a new one once it has expired", async () => {
    const { compat } = await seeded();
    const before = fake.mints;
    const ask = () => compat.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
    await Promise.all(Array.from({ length: 5 }, ask));
    for (let i = 0; i < 5; i++) await ask();
    expect(fake.mints - before).toBe(1);
    const tokens = new Set(fake.requests.filter((r) => r.project === "proj-vtx").slice(-10).map((r) => r.headers.authorization));
    expect(tokens.size).toBe(1);

    fake.expiresIn = 1;
    try {
      const { compat: shortLived } = await seeded();
      await shortLived.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
      const first = String(upstream().headers.authorization).slice("Bearer ".length);
      expect(fake.mints - before).toBe(2);
      // Waits for the fake to stop taking the token, as Google would once expires_in has passed.
      await vi.waitFor(() => expect(fake.takes(first)).toBe(false), { timeout: 5_000, interval: 50 });
      const again = await shortLived.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
      expect(again.choices[0]?.message.content).toBe(FAKE_GEMINI_CONTENT);
      expect(fake.mints - before).toBe(3);
    } finally {
      fake.expiresIn = 3600;
    }
  });

  it("passes Gemini's Vertex paths through for Google's GenAI SDK, the gateway token as its bearer, and logs usage and cost", async () => {
    const { t } = await seeded();
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: t.token, expiry_date: Date.now() + 3_600_000 });
    const ai = new GoogleGenAI({
      vertexai: true,
      project: "proj-vtx",
      location: "europe-west4",
      googleAuthOptions: { authClient: auth },
      httpOptions: { baseUrl: `${t.gatewayUrl}/google-vertex-ai`, apiVersion: "v1" },
    });
    const tools = [{ functionDeclarations: [{ name: "get_weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }];
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: GEMINI, contents: "weather?", config: { tools } })) chunks.push(chunk);
    expect(chunks.flatMap((c) => c.functionCalls ?? []).map((c) => c.name)).toEqual(["get_weather"]);
    const seen = upstream();
    expect(seen.path).toBe(`/v1/projects/proj-vtx/locations/europe-west4/publishers/google/models/${GEMINI}:streamGenerateContent`);
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const [row] = await h.logRows(t.team.id);
    expect(row).toMatchObject({ provider: "google-vertex-ai", model: `google/${GEMINI}`, stream: true, statusCode: 200, tokensIn: FAKE_GEMINI_USAGE.promptTokenCount });
    expect(row!.costMicros).toBeGreaterThan(0);
  });

  it("passes Anthropic's rawPredict through and logs its usage and cost", async () => {
    const { t } = await seeded();
    const res = await postJson(
      `${t.gatewayUrl}/google-vertex-ai/v1/projects/proj-vtx/locations/europe-west4/publishers/anthropic/models/${CLAUDE}:rawPredict`,
      { anthropic_version: "vertex-2023-10-16", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
      { "cf-aig-authorization": `Bearer ${t.token}` },
    );
    expect(res.status).toBe(200);
    expect((await json<{ content: Array<{ text: string }> }>(res)).content[0]?.text).toBe(FAKE_ANTHROPIC_CONTENT);
    const row = await h.logRow(res.headers.get("cf-aig-log-id")!);
    const usage = { input: FAKE_ANTHROPIC_USAGE.input_tokens, output: FAKE_ANTHROPIC_USAGE.output_tokens, cached: 0, cacheWrite: 0 };
    expect(row).toMatchObject({ provider: "google-vertex-ai", model: `anthropic/${CLAUDE}`, stream: false, statusCode: 200, tokensIn: usage.input, tokensOut: usage.output });
    expect(row.costMicros).toBe(costMicros("anthropic", CLAUDE, usage).micros);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  // A client's own token goes to the region's host, not to a stored key's base URL, so its passthrough
  // is proven where no request leaves the machine (lib/providers/google-vertex-ai/google-vertex-ai.test.ts).
  it("says compat needs a stored key when the client sends its own access token", async () => {
    const { t, account } = await seeded();
    const own = await mintOwnToken(account);
    const before = fake.mints;
    const anonymous = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: own, maxRetries: 0, defaultHeaders: { "cf-aig-authorization": `Bearer ${t.token}` } });
    const refused = await anonymous.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toContain("stored key");
    expect((refused as Error).message).toContain("passthrough path");
    expect(fake.mints).toBe(before);
  });

  it("answers 401 naming the provider and the key's alias when the token endpoint refuses the service account, never the key", async () => {
    const account = fake.serviceAccount({ projectId: "proj-vtx" });
    const other = fake.serviceAccount({ projectId: "proj-vtx" });
    // The account's email with another account's key: Google refuses the signature.
    const forged = JSON.stringify({ ...account.json, private_key: other.json.private_key });
    const { compat } = await seeded({ alias: "forged", secret: forged });
    const error = await compat.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const message = (error as Error).message;
    expect(message).toContain("Google Vertex AI");
    expect(message).toContain('"forged"');
    expect(message).toContain("Invalid JWT Signature.");
    expect(message).not.toContain(other.json.private_key!.split("\n")[1]);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: "provider_key_rejected" });
  });

  it("answers 401 naming the provider and the key's alias when Vertex refuses the token", async () => {
    const { compat } = await seeded({ alias: "revoked" });
    await compat.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
    fake.revokeTokens();
    const error = await compat.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain('Google Vertex AI rejected the stored google-vertex-ai key "revoked" (HTTP 401)');
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: "provider_key_rejected" });
  });

  it("refuses a malformed service account when the key is added, naming what is missing, and takes the base64 form", async () => {
    const { t } = await seeded();
    const account = fake.serviceAccount();
    const { region: _region, ...withoutRegion } = account.json;
    await expect(addKey(t, { provider: "google-vertex-ai", alias: "noregion", secret: JSON.stringify(withoutRegion) })).rejects.toThrow(InvalidInputError);
    await expect(addKey(t, { provider: "google-vertex-ai", alias: "noregion", secret: JSON.stringify(withoutRegion) })).rejects.toThrow(/"region" missing/);
    await expect(addKey(t, { provider: "google-vertex-ai", alias: "text", secret: "not a service account" })).rejects.toThrow(/not a JSON object/);
    await expect(addKey(t, { provider: "google-vertex-ai", alias: "badkey", secret: JSON.stringify({ ...account.json, private_key: "nope" }) })).rejects.toThrow(/"private_key" is not a PEM private key/);

    await addKey(t, { provider: "google-vertex-ai", alias: "b64", baseUrl: fake.origin, secret: Buffer.from(JSON.stringify(account.json)).toString("base64") });
    const compat = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "cf-aig-byok-alias": "b64" } });
    const completion = await compat.chat.completions.create({ model: `google-vertex-ai/google/${GEMINI}`, messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]?.message.content).toBe(FAKE_GEMINI_CONTENT);
  });

  /** A token the client minted itself at the fake's endpoint, by the grant Google documents. */
  async function mintOwnToken(account: TestServiceAccount): Promise<string> {
    const { SignJWT } = await import("jose");
    const { createPrivateKey } = await import("node:crypto");
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: "https://www.googleapis.com/auth/cloud-platform" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(account.clientEmail)
      .setAudience(fake.tokenUri)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(createPrivateKey(account.json.private_key!));
    const res = await fetch(fake.tokenUri, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }
});
