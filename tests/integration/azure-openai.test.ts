import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AZURE_DEFAULT_API_VERSION } from "@/lib/providers/azure-openai";
import { costMicros } from "@/lib/pricing/cost";
import { startFakeAzureOpenAI, type FakeAzureOpenAI } from "../fake-providers/azure-openai";
import { FAKE_DEFAULT_USAGE } from "../fake-providers/openai";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

const DEPLOYMENT = "chat-prod";
/** What the deployment serves: Azure's answers name it, and it prices the log row. */
const MODEL = "gpt-4o-2024-08-06";
const { prompt_tokens, completion_tokens, cached_tokens } = FAKE_DEFAULT_USAGE;
const usage = { input: prompt_tokens, output: completion_tokens, cached: cached_tokens };

const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } } },
];

describeGateway("Azure OpenAI", (h) => {
  let fake: FakeAzureOpenAI;
  beforeAll(async () => {
    fake = await startFakeAzureOpenAI();
    fake.deployments.set(DEPLOYMENT, MODEL);
  });
  afterAll(() => fake.close());

  /** A team whose stored Azure key points at the fake: the plain key, or the JSON that names its resource. */
  async function seeded(secret?: (apiKey: string) => Record<string, unknown>): Promise<{ t: SeededTeam; apiKey: string }> {
    const t = await h.seed({ storedKey: false });
    const apiKey = `azk-${t.team.slug}`;
    await addKey(t, { provider: "azure-openai", baseUrl: fake.origin, secret: secret ? JSON.stringify(secret(apiKey)) : apiKey });
    return { t, apiKey };
  }

  function upstreamWith(apiKey: string) {
    const seen = fake.requests.filter((r) => r.headers["api-key"] === apiKey).at(-1);
    if (!seen) throw new Error(`the fake Azure received no request with key ${apiKey}`);
    return seen;
  }

  it("answers the SDK's AzureOpenAI client through the passthrough, the gateway token as its key, and prices the row by the model behind the deployment", async () => {
    const { t, apiKey } = await seeded();
    const client = new AzureOpenAI({ endpoint: `${t.gatewayUrl}/azure-openai/myresource`, apiKey: t.token, apiVersion: "2024-10-21", maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect(data.model).toBe(MODEL);
    expect(data.choices[0]?.message.content).toBe(fake.openai.content);

    const seen = upstreamWith(apiKey);
    expect(seen).toMatchObject({ path: `/openai/deployments/${DEPLOYMENT}/chat/completions`, query: { "api-version": "2024-10-21" } });
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "azure-openai",
      model: DEPLOYMENT,
      statusCode: 200,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("openai", MODEL, usage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("takes Cloudflare's {resource}/{deployment}/{path} passthrough from the OpenAI SDK, streaming with usage", async () => {
    const { t, apiKey } = await seeded();
    const client = new OpenAI({
      baseURL: `${t.gatewayUrl}/azure-openai/myresource/${DEPLOYMENT}`,
      apiKey: t.token,
      defaultQuery: { "api-version": "2024-10-21" },
      maxRetries: 0,
    });
    const { data: stream, response } = await client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: "user", content: "hi" }], stream: true }).withResponse();
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(fake.openai.content);
    expect(upstreamWith(apiKey)).toMatchObject({ path: `/openai/deployments/${DEPLOYMENT}/chat/completions`, query: { "api-version": "2024-10-21" } });
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "azure-openai", stream: true, tokensIn: usage.input, costMicros: costMicros("openai", MODEL, usage).micros });
  });

  it("passes the v1 API's paths through", async () => {
    const { t, apiKey } = await seeded();
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/azure-openai/myresource/openai/v1`, apiKey: t.token, maxRetries: 0 });
    const res = await client.responses.create({ model: DEPLOYMENT, input: "hi" });
    expect(res.output_text).toBe(fake.openai.content);
    expect(upstreamWith(apiKey)).toMatchObject({ path: "/openai/v1/responses", deployment: DEPLOYMENT });
  });

  it("refuses a resource or deployment that is no name with a 400 saying what the path must be", async () => {
    const { t } = await seeded();
    for (const path of ["my_resource!/chat-prod/chat/completions", "myresource/-x/chat/completions", "myresource"]) {
      const res = await postJson(`${t.gatewayUrl}/azure-openai/${path}?api-version=2024-10-21`, chatBody(DEPLOYMENT), bearer(t.token));
      expect(res.status, path).toBe(400);
      expect((await json<{ error: { message: string } }>(res)).error.message).toContain("azure-openai/{resource}/{deployment}/{path}");
    }
  });

  it("streams tool calls to the OpenAI SDK from azure-openai/{deployment} on compat, with the key's resource and the default API version", async () => {
    const { t, apiKey } = await seeded((apiKey) => ({ apiKey, resource: "myresource" }));
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: `azure-openai/${DEPLOYMENT}`, messages: [{ role: "user", content: "time in Paris?" }], tools: TOOLS, stream: true })
      .withResponse();
    let args = "";
    let name = "";
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      name += call?.function?.name ?? "";
      args += call?.function?.arguments ?? "";
    }
    expect(name).toBe("get_time");
    expect(JSON.parse(args)).toEqual({ zone: "fake-zone" });

    const seen = upstreamWith(apiKey);
    expect(seen).toMatchObject({ path: `/openai/deployments/${DEPLOYMENT}/chat/completions`, query: { "api-version": AZURE_DEFAULT_API_VERSION } });
    expect(seen.headers.authorization).toBeUndefined();
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "azure-openai", model: DEPLOYMENT, stream: true, tokensIn: usage.input, tokensOut: usage.output });
    expect(row.costMicros).toBe(costMicros("openai", MODEL, usage).micros);
  });

  it("asks for the API version the stored key names, and reaches the REST API's /ai/v1 too", async () => {
    const { t, apiKey } = await seeded((apiKey) => ({ apiKey, resource: "myresource", apiVersion: "2025-04-01-preview" }));
    const client = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug }, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: `azure-openai/${DEPLOYMENT}`, messages: [{ role: "user", content: "hi" }] });
    expect(res.choices[0]?.message.content).toBe(fake.openai.content);
    expect(upstreamWith(apiKey).query["api-version"]).toBe("2025-04-01-preview");
  });

  it("serves /ai/v1 embeddings from an embeddings deployment", async () => {
    const { t, apiKey } = await seeded((apiKey) => ({ apiKey, resource: "myresource" }));
    const client = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug }, maxRetries: 0 });
    const res = await client.embeddings.create({ model: "azure-openai/embed-small", input: "hi" });
    expect(res.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(upstreamWith(apiKey)).toMatchObject({ path: "/openai/deployments/embed-small/embeddings", query: { "api-version": AZURE_DEFAULT_API_VERSION } });
  });

  it("reaches a deployment on compat through a plain key whose base URL is the resource's, with the default API version", async () => {
    const { t, apiKey } = await seeded();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody(`azure-openai/${DEPLOYMENT}`), bearer(t.token));
    expect(res.status).toBe(200);
    expect(upstreamWith(apiKey)).toMatchObject({ path: `/openai/deployments/${DEPLOYMENT}/chat/completions`, query: { "api-version": AZURE_DEFAULT_API_VERSION } });
  });

  it("refuses to store a plain key without a base URL, saying how to name the resource", async () => {
    const t = await h.seed({ storedKey: false });
    await expect(addKey(t, { provider: "azure-openai", secret: "azk-plain" })).rejects.toThrow(/https:\/\/\{resource\}\.openai\.azure\.com.*"resource"/);
  });

  it("answers 401 naming the provider and the key's alias when Azure rejects the stored key, never the key", async () => {
    const { t, apiKey } = await seeded((apiKey) => ({ apiKey, resource: "myresource" }));
    fake.rejectedKeys.add(apiKey);
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody(`azure-openai/${DEPLOYMENT}`), bearer(t.token));
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(body).toContain("azure-openai");
    expect(body).toContain("default");
    expect(body).not.toContain(apiKey);
    const row = await h.logRow(res.headers.get("cf-aig-log-id")!);
    expect(row.statusCode).toBe(401);
  });
});
