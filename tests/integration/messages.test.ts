import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { describeGateway } from "../support/harness";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "claude-sonnet-4-5";
const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = FAKE_ANTHROPIC_USAGE;
const ANTHROPIC_INPUT = input_tokens + cache_read_input_tokens + cache_creation_input_tokens;

describeGateway("POST /ai/v1/messages with the Anthropic SDK", (h) => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());

  /** A team with stored OpenAI (the harness's fake) and Anthropic keys; the SDK's API key is the gateway token. */
  async function seeded(base: "ai" | "account" = "ai"): Promise<{ t: SeededTeam; anthropicKey: string; client: Anthropic }> {
    const t = await h.seed();
    const anthropicKey = await addKey(t, { provider: "anthropic", baseUrl: fake.origin });
    const baseURL = base === "ai" ? `${h.url}/ai` : `${h.url}/client/v4/accounts/${t.team.slug}/ai`;
    return { t, anthropicKey, client: new Anthropic({ baseURL, apiKey: t.token, maxRetries: 0 }) };
  }

  function anthropicUpstream(key: string) {
    const seen = fake.requests.filter((r) => r.headers["x-api-key"] === key).at(-1);
    if (!seen) throw new Error(`the fake Anthropic received no request with key ${key}`);
    return seen;
  }

  it("passes an anthropic/… request through as sent, but for the model's provider prefix, and logs its usage", async () => {
    const { t, anthropicKey, client } = await seeded();
    const { data: message, response } = await client.messages
      .create({
        model: `anthropic/${MODEL}`,
        max_tokens: 100,
        system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "hi" }],
        metadata: { user_id: "u-1" },
      })
      .withResponse();
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    expect(message.usage).toMatchObject(FAKE_ANTHROPIC_USAGE);

    const seen = anthropicUpstream(anthropicKey);
    expect(seen.path).toBe("/v1/messages");
    expect(seen.body).toMatchObject({
      model: MODEL,
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      metadata: { user_id: "u-1" },
    });
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "anthropic",
      model: MODEL,
      ingressFormat: "anthropic-messages",
      path: "v1/messages",
      statusCode: 200,
      tokensIn: ANTHROPIC_INPUT,
      tokensOut: output_tokens,
      tokensCached: cache_read_input_tokens,
    });
    expect(row.costMicros).toBeGreaterThan(0);
    expect((await h.payload(row.id))?.providerRequestBody).toBeNull();
  });

  it("streams an anthropic/… answer under /client/v4/accounts/{team}/ai, summing usage over message_start and message_delta", async () => {
    const { client } = await seeded("account");
    const stream = client.messages.stream({ model: `anthropic/${MODEL}`, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe(FAKE_ANTHROPIC_CONTENT);
    const { response } = await stream.withResponse();
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    // Without cache_control the fake reads and writes no cache.
    expect(row).toMatchObject({ stream: true, statusCode: 200, tokensIn: input_tokens, tokensOut: output_tokens, ingressFormat: "anthropic-messages" });
    expect(final.usage.output_tokens).toBe(output_tokens);
  });

  it("takes the gateway token in Authorization too (the SDK's authToken)", async () => {
    const { t } = await seeded();
    const client = new Anthropic({ baseURL: `${h.url}/ai`, authToken: t.token, apiKey: null, maxRetries: 0 });
    const message = await client.messages.create({ model: `anthropic/${MODEL}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
  });

  it("keeps a provider's error status and body when the formats match", async () => {
    const { client } = await seeded();
    const failed = await client.messages.create({ model: `anthropic/fake-error-429`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Anthropic.RateLimitError);
    expect((failed as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
  });

  it("refuses in Anthropic's error shape: an unknown provider, a model without one, a body that is not JSON", async () => {
    const { t, client } = await seeded();
    const unknown = await client.messages.create({ model: "nosuch/x", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.BadRequestError);
    expect((unknown as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((unknown as Error).message).toContain("nosuch");

    const bare = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect((bare as Error).message).toContain("{provider}/{model}");

    const res = await fetch(`${h.url}/ai/v1/messages`, { method: "POST", headers: { "x-api-key": t.token, "content-type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("refuses a request without a gateway token in Anthropic's shape", async () => {
    const client = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: "sy_not-a-token", maxRetries: 0 });
    const failed = await client.messages.create({ model: `anthropic/${MODEL}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((failed as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});
