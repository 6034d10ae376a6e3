import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANTHROPIC_REDACTED_THINKING_TRIGGER,
  FAKE_ANTHROPIC_CONTENT,
  FAKE_ANTHROPIC_THINKING,
  FAKE_ANTHROPIC_USAGE,
  fakeThinkingSignature,
  startFakeAnthropic,
  type FakeAnthropic,
} from "./anthropic";

const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "Weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
};
const time: Anthropic.Tool = { name: "get_time", input_schema: { type: "object", properties: { zone: { type: "string" } } } };

// The fake must speak Anthropic's wire format well enough for the official SDK, or gateway tests prove nothing.
describe("fake Anthropic provider", () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ baseURL: fake.origin, apiKey: "sk-ant-test", maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it("answers a message with text and usage, and records what it received", async () => {
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.type).toBe("message");
    expect(message.model).toBe("claude-sonnet-4-5");
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 25, output_tokens: 9, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    const seen = fake.requests.at(-1)!;
    expect(seen.path).toBe("/v1/messages");
    // The 1.x SDK sends its key as a bearer token and API version 2026-10-21.
    expect(seen.headers.authorization).toBe("Bearer sk-ant-test");
    expect(seen.headers["anthropic-version"]).toBe("2026-10-21");
    expect(seen.body).toMatchObject({ system: "Be brief.", max_tokens: 100 });
  });

  it("reports cache reads and writes only when the request has cache_control", async () => {
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: [{ type: "text", text: "A long system prompt.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.usage).toMatchObject(FAKE_ANTHROPIC_USAGE);
    const count = await client.messages.countTokens({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] }],
    });
    expect(count.input_tokens).toBe(25 + 12 + 6);
    expect(fake.requests.at(-1)?.path).toBe("/v1/messages/count_tokens");
  });

  it("streams Anthropic's named events, ping included, which the SDK assembles into the message", async () => {
    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
    expect(message.usage).toMatchObject({ input_tokens: 25, output_tokens: 9 });
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(types.filter((t) => t === "content_block_delta").length).toBe(FAKE_ANTHROPIC_CONTENT.split(" ").length);

    const raw = await fetch(`${fake.origin}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await raw.text();
    expect(text).toMatch(/^event: message_start\ndata: /);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}');
  });

  it("calls every tool offered in parallel, streamed as input_json_delta, and answers text after the results", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [weather, time],
      messages: [{ role: "user", content: "weather and time in Paris?" }],
    });
    const partials: string[] = [];
    stream.on("inputJson", (partial) => partials.push(partial));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    const calls = message.content.filter((b) => b.type === "tool_use");
    expect(calls.map((c) => [c.name, c.input])).toEqual([
      ["get_weather", { city: "fake-city", days: 1 }],
      ["get_time", { zone: "fake-zone" }],
    ]);
    expect(partials.length).toBeGreaterThan(2);

    const named = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [weather, time],
      tool_choice: { type: "tool", name: "get_time" },
      messages: [{ role: "user", content: "time?" }],
    });
    expect(named.content.map((b) => b.type === "tool_use" && b.name)).toEqual(["get_time"]);

    const after = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [weather, time],
      messages: [
        { role: "user", content: "weather and time in Paris?" },
        { role: "assistant", content: message.content },
        { role: "user", content: calls.map((c) => ({ type: "tool_result" as const, tool_use_id: c.id, content: "ok" })) },
      ],
    });
    expect(after.content).toEqual([{ type: "text", text: FAKE_ANTHROPIC_CONTENT }]);
  });

  it("refuses a tool_result whose tool_use is not in the message before, as Anthropic does", async () => {
    const call = client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [weather],
      messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nowhere", content: "ok" }] }],
    });
    await expect(call).rejects.toMatchObject({ status: 400, error: { type: "error", error: { type: "invalid_request_error" } } });
  });

  it("thinks with a signature it checks on the next turn, streamed as thinking and signature deltas", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [{ role: "user", content: "hi" }],
    });
    const message = await stream.finalMessage();
    expect(message.content[0]).toEqual({ type: "thinking", thinking: FAKE_ANTHROPIC_THINKING, signature: fakeThinkingSignature(FAKE_ANTHROPIC_THINKING) });
    expect(message.content[1]).toEqual({ type: "text", text: FAKE_ANTHROPIC_CONTENT });

    const next = (signature: string) =>
      client.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 4000,
        thinking: { type: "enabled", budget_tokens: 2000 },
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: [{ type: "thinking", thinking: FAKE_ANTHROPIC_THINKING, signature }, { type: "text", text: "hello" }] },
          { role: "user", content: "again" },
        ],
      });
    await expect(next(fakeThinkingSignature(FAKE_ANTHROPIC_THINKING))).resolves.toMatchObject({ type: "message" });
    await expect(next("forged")).rejects.toMatchObject({ status: 400 });

    // With thinking on, tool results must answer an assistant turn sent back with its thinking first.
    const withTools = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      tools: [weather],
      messages: [{ role: "user", content: "weather?" }],
    });
    expect(withTools.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    const call = withTools.content.find((b) => b.type === "tool_use")!;
    const answer = (assistant: Anthropic.ContentBlockParam[]) =>
      client.messages.create({
        model: "claude-sonnet-4-5",
        max_tokens: 4000,
        thinking: { type: "enabled", budget_tokens: 2000 },
        tools: [weather],
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: assistant },
          { role: "user", content: [{ type: "tool_result", tool_use_id: call.type === "tool_use" ? call.id : "", content: "sunny" }] },
        ],
      });
    await expect(answer(withTools.content)).resolves.toMatchObject({ stop_reason: "end_turn" });
    await expect(answer([call])).rejects.toMatchObject({ status: 400 });

    const redacted = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [{ role: "user", content: ANTHROPIC_REDACTED_THINKING_TRIGGER }],
    });
    expect(redacted.content[0]?.type).toBe("redacted_thinking");
  });

  it("refuses what Anthropic refuses: no max_tokens, a system role in messages, a thinking budget over max_tokens", async () => {
    const post = (body: object) =>
      fetch(`${fake.origin}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": "k", "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { message: string } } }));
    const hi = [{ role: "user", content: "hi" }];
    expect((await post({ model: "m", messages: hi })).body.error.message).toBe("max_tokens: Field required");
    expect((await post({ model: "m", max_tokens: 5, messages: [{ role: "system", content: "x" }, ...hi] })).status).toBe(400);
    expect((await post({ model: "m", max_tokens: 1500, thinking: { type: "enabled", budget_tokens: 2000 }, messages: hi })).status).toBe(400);
  });

  it("cuts at a stop sequence or at max_tokens", async () => {
    const stopped = await client.messages.create({ model: "m", max_tokens: 100, stop_sequences: ["Anthropic"], messages: [{ role: "user", content: "hi" }] });
    expect(stopped).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "Anthropic", content: [{ text: "Hello from the fake " }] });
    const cut = await client.messages.create({ model: "m", max_tokens: 2, messages: [{ role: "user", content: "hi" }] });
    expect(cut).toMatchObject({ stop_reason: "max_tokens", content: [{ text: "Hello from " }], usage: { output_tokens: 2 } });
  });

  it("refuses temperature under API version 2026-10-21 and takes it under 2023-06-01", async () => {
    const withTemperature = { model: "m", max_tokens: 5, temperature: 0.2, messages: [{ role: "user", content: "hi" }] };
    const send = (version: string) =>
      fetch(`${fake.origin}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": "k", "anthropic-version": version, "content-type": "application/json" },
        body: JSON.stringify(withTemperature),
      });
    expect((await send("2026-10-21")).status).toBe(400);
    expect((await send("2023-06-01")).status).toBe(200);
  });

  it("answers 401 without x-api-key and 400 without anthropic-version, in Anthropic's error shape", async () => {
    const noKey = await fetch(`${fake.origin}/v1/messages`, { method: "POST", headers: { "anthropic-version": "2023-06-01" }, body: "{}" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const noVersion = await fetch(`${fake.origin}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body: "{}" });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });
  });

  it.each([
    [429, Anthropic.RateLimitError, "rate_limit_error"],
    [500, Anthropic.InternalServerError, "api_error"],
    [529, Anthropic.InternalServerError, "overloaded_error"],
  ])("fake-error-%i answers in Anthropic's error shape", async (status, errorClass, type) => {
    const call = client.messages.create({ model: `anthropic/fake-error-${status}`, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    await expect(call).rejects.toBeInstanceOf(errorClass);
    await expect(call).rejects.toMatchObject({ status, error: { type: "error", error: { type } } });
  });

  it("fake-overloaded sends an error event in the middle of a stream, which the SDK raises", async () => {
    const stream = await client.messages.create({ model: "fake-overloaded", max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of stream) seen.push(event.type);
    })();
    await expect(reading).rejects.toMatchObject({ error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } });
    expect(seen).toEqual(["message_start", "content_block_start", "content_block_delta"]);
  });

  it("fake-slow streams the events it was asked for; fake-reset cuts the connection mid-event", async () => {
    const slow = await client.messages.create({ model: "fake-slow-3-5", max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    for await (const event of slow) if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    expect(text).toBe("word0 word1 word2 ");

    const reset = await client.messages.create({ model: "fake-reset-3", max_tokens: 10, stream: true, messages: [{ role: "user", content: "hi" }] });
    const reading = (async () => {
      for await (const event of reset) void event;
    })();
    await expect(reading).rejects.toThrow();
    expect((await fake.requests.at(-1)!.responded)).toBe(false);
  });
});
