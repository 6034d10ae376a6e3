import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { describeGateway } from "../support/harness";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "claude-sonnet-4-5";
const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = FAKE_ANTHROPIC_USAGE;

describeGateway("Anthropic passthrough", (h) => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(() => fake.close());

  /** A team whose stored Anthropic key points at the fake; the SDK sends the gateway token as its API key. */
  async function seeded(): Promise<{ t: SeededTeam; key: string; client: Anthropic }> {
    const t = await h.seed({ storedKey: false });
    const key = await addKey(t, { provider: "anthropic", baseUrl: fake.origin });
    const client = new Anthropic({ baseURL: `${t.gatewayUrl}/anthropic`, apiKey: t.token, maxRetries: 0 });
    return { t, key, client };
  }

  function upstreamWith(key: string) {
    const seen = fake.requests.filter((r) => r.headers["x-api-key"] === key).at(-1);
    if (!seen) throw new Error(`the fake Anthropic received no request with key ${key}`);
    return seen;
  }

  it("answers the Anthropic SDK through a stored key, and logs tokens with cache reads and writes, and cost", async () => {
    const { t, key, client } = await seeded();
    const { data: message, response } = await client.messages
      .create({
        model: MODEL,
        max_tokens: 100,
        system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: "hi" }],
      })
      .withResponse();
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    expect(message.usage).toMatchObject(FAKE_ANTHROPIC_USAGE);

    const seen = upstreamWith(key);
    expect(seen.path).toBe("/v1/messages");
    expect(seen.headers["anthropic-version"]).toBeDefined();
    // The gateway token stays at the gateway, whichever header carried it.
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    const usage = {
      input: input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
      output: output_tokens,
      cached: cache_read_input_tokens,
      cacheWrite: cache_creation_input_tokens,
    };
    expect(row).toMatchObject({
      provider: "anthropic",
      model: MODEL,
      stream: false,
      statusCode: 200,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("anthropic", MODEL, usage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("streams to the SDK and sums the usage of message_start and message_delta in the log", async () => {
    const { client } = await seeded();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(final.usage.output_tokens).toBe(output_tokens);
    const { response } = await stream.withResponse();

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    const usage = { input: input_tokens, output: output_tokens, cached: 0, cacheWrite: 0 };
    expect(row).toMatchObject({
      provider: "anthropic",
      model: MODEL,
      stream: true,
      statusCode: 200,
      success: true,
      tokensIn: usage.input,
      tokensOut: usage.output,
      costMicros: costMicros("anthropic", MODEL, usage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("passes count_tokens through, which bills nothing", async () => {
    const { key, client } = await seeded();
    const { data: counted, response } = await client.messages
      .countTokens({ model: MODEL, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(upstreamWith(key).path).toBe("/v1/messages/count_tokens");
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "anthropic", model: MODEL, statusCode: 200, costMicros: 0 });
  });

  it("takes the gateway token in Authorization too (the SDK's authToken)", async () => {
    const { t, key } = await seeded();
    const client = new Anthropic({ baseURL: `${t.gatewayUrl}/anthropic`, authToken: t.token, apiKey: null, maxRetries: 0 });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    const seen = upstreamWith(key);
    expect(seen.headers.authorization).toBeUndefined();
  });
});
