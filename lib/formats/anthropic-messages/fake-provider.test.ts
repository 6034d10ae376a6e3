import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, ChatStreamEvent } from "@/lib/formats/canonical";
import { parseSse } from "@/lib/formats/sse";
import {
  ANTHROPIC_REDACTED_THINKING_TRIGGER,
  FAKE_ANTHROPIC_CONTENT,
  FAKE_ANTHROPIC_THINKING,
  fakeThinkingSignature,
  startFakeAnthropic,
  type FakeAnthropic,
} from "@/tests/fake-providers/anthropic";
import { anthropicMessagesCodec as codec } from "./index";

/**
 * The codec against a fake Anthropic over real HTTP that refuses what the real API refuses (no
 * max_tokens, a thinking budget that does not fit, a tool_result without its tool_use, a thinking
 * block with a signature it did not issue): what the encoder sends must be accepted, and what the
 * fake answers must decode.
 */
let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(() => fake.close());

async function send(chat: ChatRequest) {
  const { body, path } = codec.encodeRequest(chat);
  const answer = await request(`${fake.origin}/${path}`, {
    method: "POST",
    headers: { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: answer.statusCode, text: await answer.body.text() };
}

async function complete(chat: ChatRequest) {
  const { status, text } = await send({ ...chat, stream: false });
  expect(status, text).toBe(200);
  return codec.decodeResponse(JSON.parse(text) as Record<string, unknown>);
}

async function stream(chat: ChatRequest): Promise<ChatStreamEvent[]> {
  const { status, text } = await send({ ...chat, stream: true });
  expect(status, text).toBe(200);
  const decoder = codec.streamDecoder();
  return [...parseSse(text).flatMap((event) => decoder.push(event)), ...decoder.end()];
}

const conversation: ChatRequest = {
  model: "claude-sonnet-4-5",
  stream: false,
  messages: [
    { role: "system", content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }] },
    { role: "user", content: "Weather and time in Paris?" },
  ],
};
const tools: ChatRequest["tools"] = [
  { type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  { type: "function", function: { name: "time", parameters: { type: "object", properties: { zone: { type: "string" } } } } },
];

describe("anthropic-messages codec against the fake Anthropic", () => {
  it("gets an answer with cached usage, and a stream whose usage sums message_start and message_delta", async () => {
    const answer = await complete(conversation);
    expect(answer.message.content).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(answer.usage).toEqual({ input: 43, output: 9, cache_read: 12, cache_write: 6, reasoning: 0 });

    const events = await stream(conversation);
    expect(events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("")).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(events.filter((e) => e.type === "usage").reduce((total, e) => ({ ...total, ...e.usage }), {})).toEqual(answer.usage);
  });

  it("streams parallel tool calls and thinking, then carries the signed thinking and both results back", async () => {
    const thinking: ChatRequest = { ...conversation, tools, reasoning: { effort: "low" } };
    const events = await stream(thinking);
    expect(events.filter((e) => e.type === "tool_call_start")).toEqual([
      { type: "tool_call_start", index: 0, id: expect.any(String), name: "weather" },
      { type: "tool_call_start", index: 1, id: expect.any(String), name: "time" },
    ]);
    expect(events).toContainEqual({ type: "reasoning_end", signature: fakeThinkingSignature(FAKE_ANTHROPIC_THINKING) });

    const first = await complete(thinking);
    expect(first.finish_reason).toBe("tool_calls");
    const calls = first.message.tool_calls ?? [];
    expect(calls.map((call) => JSON.parse(call.function.arguments) as unknown)).toEqual([{ city: "fake-city" }, { zone: "fake-zone" }]);
    const second = await complete({
      ...thinking,
      messages: [
        ...thinking.messages,
        { role: "assistant", content: first.message.content, tool_calls: calls, reasoning: first.message.reasoning },
        ...calls.map((call) => ({ role: "tool" as const, tool_call_id: call.id, content: "sunny, 14:00" })),
      ],
    });
    expect(second.finish_reason).toBe("stop");
    expect(second.message.content).toBe(FAKE_ANTHROPIC_CONTENT);
  });

  it("carries redacted thinking back unchanged", async () => {
    const chat: ChatRequest = { ...conversation, messages: [{ role: "user", content: ANTHROPIC_REDACTED_THINKING_TRIGGER }], reasoning: { budget_tokens: 2000 } };
    const first = await complete(chat);
    expect(first.message.reasoning).toEqual([{ type: "redacted", data: expect.any(String) }]);
    const second = await complete({
      ...chat,
      messages: [...chat.messages, { role: "assistant", content: first.message.content, reasoning: first.message.reasoning }, { role: "user", content: "Go on" }],
    });
    expect(second.message.content).toBe(FAKE_ANTHROPIC_CONTENT);
  });

  it("decodes the fake's errors, before and in the middle of a stream", async () => {
    const refused = await send({ ...conversation, model: "fake-error-429" });
    expect(refused.status).toBe(429);
    expect(codec.decodeError(429, JSON.parse(refused.text) as Record<string, unknown>)).toMatchObject({ status: 429, type: "rate_limit_error" });

    const events = await stream({ ...conversation, model: "fake-overloaded" });
    expect(events.at(-1)).toEqual({ type: "error", error: { status: 529, message: expect.any(String), type: "overloaded_error" } });
  });
});
