import OpenAI from "openai";
import { expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { describeGateway } from "../support/harness";

const MODEL = "gpt-4o-mini";

describeGateway("OpenAI Responses passthrough", (h) => {
  function expectedUsage() {
    const { prompt_tokens, completion_tokens, cached_tokens } = h.fake.usage;
    return { input: prompt_tokens, output: completion_tokens, cached: cached_tokens };
  }

  it("logs the tokens and cost of a whole response, read in the Responses API's usage fields", async () => {
    const t = await h.seed();
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/openai`, apiKey: t.token, maxRetries: 0 });
    const { data: response, response: raw } = await client.responses.create({ model: MODEL, input: "hi" }).withResponse();
    expect(response.output_text).toBe(h.fake.content);
    expect(h.upstreamWithKey(t.providerKey).path).toBe("/v1/responses");

    const usage = expectedUsage();
    const row = await h.logRow(raw.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "openai",
      model: MODEL,
      stream: false,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("openai", MODEL, usage).micros,
    });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("logs the tokens and cost of a streamed response from its response.completed event", async () => {
    const t = await h.seed();
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/openai`, apiKey: t.token, maxRetries: 0 });
    const { data: stream, response: raw } = await client.responses.create({ model: MODEL, input: "hi", stream: true }).withResponse();
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe(h.fake.content);

    const usage = expectedUsage();
    const row = await h.logRow(raw.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "openai",
      model: MODEL,
      stream: true,
      success: true,
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: costMicros("openai", MODEL, usage).micros,
    });
  });
});
