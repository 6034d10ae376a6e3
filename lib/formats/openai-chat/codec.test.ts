import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest, ChatResponse, ChatStreamEvent, SseEvent } from "@/lib/formats/canonical";
import { serializeSseEvents } from "@/lib/formats/sse";
import { formatError } from "@/lib/formats/testing";
import { openAiChatCodec as codec } from "./codec";

const hi = [{ role: "user", content: "hi" }];

describe("openai-chat codec: requests", () => {
  it("narrows a Chat Completions body: max_completion_tokens, reasoning_effort, a stop string, stream_options", () => {
    const request = codec.decodeRequest({
      model: "anthropic/claude-sonnet-4-5",
      messages: [{ role: "developer", content: "Be brief." }, ...hi],
      max_completion_tokens: 300,
      max_tokens: 100,
      reasoning_effort: "low",
      stop: "END",
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
      temperature: 0.5,
      seed: 7,
      user: "u1",
      metadata: { trace: "x" },
      store: false,
      service_tier: "auto",
    });
    expect(request).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 300,
      reasoning: { effort: "low" },
      stop: ["END"],
      temperature: 0.5,
      seed: 7,
      user: "u1",
    } satisfies ChatRequest);
    expect(codec.decodeRequest({ model: "m", messages: hi, max_tokens: 50 }).max_tokens).toBe(50);
    expect(codec.decodeRequest({ model: "m", messages: hi, reasoning_effort: "none" }).reasoning).toEqual({ budget_tokens: 0 });
  });

  it("keeps images, tools, tool_choice, response_format, tool results and the assistant's reasoning and signatures", () => {
    const request = codec.decodeRequest({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "what is this?", cache_control: { type: "ephemeral" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" }, prompt_cache_breakpoint: { mode: "explicit", ttl: "30m" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          reasoning_content: "thinking",
          reasoning_details: [{ type: "reasoning.text", text: "thinking", signature: "sig-1", index: 0 }],
          tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{}" }, extra_content: { google: { thought_signature: "ts-1" } } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "a cat" },
      ],
      tools: [{ type: "function", function: { name: "look", description: "Look", parameters: { type: "object" }, strict: true } }],
      tool_choice: { type: "function", function: { name: "look" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
    });
    expect(request.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "what is this?", cache_control: { type: "ephemeral" } },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" }, cache_control: { type: "ephemeral" } },
      ],
    });
    expect(request.messages[1]).toEqual({
      role: "assistant",
      content: null,
      reasoning: [{ type: "thinking", text: "thinking", signature: "sig-1" }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{}" }, signature: "ts-1" }],
    });
    expect(request.tool_choice).toEqual({ type: "function", function: { name: "look" } });
    expect(request.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "answer", strict: true } });
    expect(request.parallel_tool_calls).toBe(false);
  });

  it.each([
    [{ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] }, "messages[0].content[0].type", "unsupported_field"],
    [{ messages: [{ role: "user", content: [{ type: "file", file: { file_id: "f" } }] }] }, "messages[0].content[0].type", "unsupported_field"],
    [{ messages: hi, logit_bias: { "1": 2 } }, "logit_bias", "unsupported_field"],
    [{ messages: hi, functions: [] }, "functions", "unsupported_field"],
    [{ messages: hi, frobnicate: true }, "frobnicate", "unsupported_field"],
    [{ messages: hi, stream_options: { include_usage: true } }, "stream_options", "invalid_field"],
    [{ messages: hi, reasoning_effort: "xhigh" }, "reasoning_effort", "unsupported_field"],
    [{ messages: hi, modalities: ["text", "audio"] }, "modalities", "unsupported_field"],
    [{ messages: [{ role: "function", name: "f", content: "x" }] }, "messages[0].role", "unsupported_field"],
    [{ messages: hi, tools: [{ type: "custom", custom: { name: "x" } }] }, "tools[0].type", "unsupported_field"],
    [{ messages: [] }, "messages", "invalid_field"],
    [{ messages: hi, max_completion_tokens: 0 }, "max_completion_tokens", "invalid_field"],
  ])("refuses what it cannot carry, naming the field (%#)", (body, field, code) => {
    const err = formatError(() => codec.decodeRequest({ model: "m", ...body }));
    expect(err.field).toBe(field);
    expect(err.code).toBe(code);
    expect(err.message).toContain(field);
  });

  it("encodes for an OpenAI-family provider: chat/completions, max_completion_tokens, stream usage, no reasoning, cache hints or signatures", () => {
    const request: ChatRequest = {
      model: "gpt-5-mini",
      stream: true,
      max_tokens: 200,
      stop: ["END"],
      reasoning: { budget_tokens: 4096, include_thoughts: true },
      tools: [{ type: "function", function: { name: "look", parameters: { type: "object" } }, cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "system", content: [{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" }, cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: "ok",
          reasoning: [{ type: "thinking", text: "t", signature: "s" }],
          tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{}" }, signature: "ts" }],
        },
        { role: "tool", tool_call_id: "call_1", content: "done" },
      ],
    };
    const { path, body } = codec.encodeRequest(request);
    expect(path).toBe("chat/completions");
    expect(body).toEqual({
      model: "gpt-5-mini",
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 200,
      stop: ["END"],
      reasoning_effort: "medium",
      tools: [{ type: "function", function: { name: "look", parameters: { type: "object" } } }],
      messages: [
        { role: "system", content: [{ type: "text", text: "sys" }] },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
        { role: "assistant", content: "ok", tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "done" },
      ],
    });
    expect(codec.encodeRequest({ model: "m", stream: false, messages: [], reasoning: { effort: "high" } }).body.reasoning_effort).toBe("high");
  });

  it.each([
    [{ n: 2 }, "n"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 3 }, "top_logprobs"],
    [{ top_k: 40 }, "top_k"],
  ])("refuses to encode what could not come back or OpenAI lacks (%#)", (extra, field) => {
    expect(formatError(() => codec.encodeRequest({ model: "m", stream: false, messages: [], ...extra })).field).toBe(field);
  });

  it("round-trips its own request through encode and decode", () => {
    const request: ChatRequest = {
      model: "m",
      stream: false,
      messages: [{ role: "user", content: "hi", name: "ann" }],
      max_tokens: 10,
      temperature: 0,
      tool_choice: "required",
      tools: [{ type: "function", function: { name: "f" } }],
    };
    expect(codec.decodeRequest(codec.encodeRequest(request).body)).toEqual(request);
  });
});

describe("openai-chat codec: answers", () => {
  const answer: ChatResponse = {
    id: "chatcmpl-1",
    model: "claude-sonnet-4-5",
    created: 1_700_000_000,
    message: {
      content: "It is sunny.",
      reasoning: [{ type: "thinking", text: "Check the weather.", signature: "sig" }, { type: "redacted", data: "opaque" }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' }, signature: "ts" }],
    },
    finish_reason: "tool_calls",
    usage: { input: 40, output: 12, cache_read: 20, cache_write: 8, reasoning: 5 },
  };

  it("encodes one choice with reasoning_content, reasoning_details, Google's signature field and usage, and decodes it back", () => {
    const body = codec.encodeResponse(answer);
    expect(body).toMatchObject({
      object: "chat.completion",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: "It is sunny.",
            reasoning_content: "Check the weather.",
            reasoning_details: [
              { type: "reasoning.text", text: "Check the weather.", signature: "sig" },
              { type: "reasoning.encrypted", data: "opaque" },
            ],
            tool_calls: [{ id: "call_1", extra_content: { google: { thought_signature: "ts" } } }],
          },
        },
      ],
      usage: {
        prompt_tokens: 40,
        completion_tokens: 12,
        total_tokens: 52,
        prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    });
    expect(codec.decodeResponse(JSON.parse(JSON.stringify(body)))).toEqual({ ...answer, message: { ...answer.message, refusal: undefined } });
    expect(codec.usageFromBody(body)).toEqual(answer.usage);
  });

  it("decodes a provider's answer: choices[0], DeepSeek's reasoning_content, DeepSeek's cache hits", () => {
    const decoded = codec.decodeResponse({
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "deepseek-reasoner",
      choices: [{ index: 0, message: { role: "assistant", content: "4", reasoning_content: "2+2" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_cache_hit_tokens: 6 },
    });
    expect(decoded.message).toEqual({ content: "4", reasoning: [{ type: "thinking", text: "2+2" }] });
    expect(decoded.usage).toEqual({ input: 10, output: 3, cache_read: 6, cache_write: 0, reasoning: 0 });
    expect(formatError(() => codec.decodeResponse({ choices: [] })).field).toBe("choices[0].message");
    const parts = codec.decodeResponse({ choices: [{ message: { content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }, finish_reason: "stop" }] });
    expect(parts.message.content).toBe("ab");
  });
});

describe("openai-chat codec: errors", () => {
  it("decodes OpenAI's error shape and encodes it without Cloudflare's fields", () => {
    const wire = codec.decodeError(429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded", param: null } });
    expect(wire).toEqual({ status: 429, message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" });
    expect(codec.decodeError(502, undefined)).toMatchObject({ status: 502, type: "api_error" });
    expect(codec.encodeError({ status: 529, message: "Overloaded", type: "overloaded_error" })).toEqual({
      error: { message: "Overloaded", type: "api_error", code: null, param: null },
    });
    expect(codec.encodeError({ status: 400, message: "bad", type: "invalid_request_error", code: "unsupported_field" })).toEqual({
      error: { message: "bad", type: "invalid_request_error", code: "unsupported_field", param: null },
    });
  });
});

describe("openai-chat codec: streams", () => {
  const sse = (chunk: object | string): SseEvent => ({ data: typeof chunk === "string" ? chunk : JSON.stringify(chunk) });
  const head = { id: "chatcmpl-9", object: "chat.completion.chunk", created: 5, model: "deepseek-reasoner" };
  const delta = (d: object, finish: string | null = null) => sse({ ...head, choices: [{ index: 0, delta: d, finish_reason: finish }] });

  it("decodes chunks: reasoning, text, tool calls renumbered by first appearance, finish, usage, [DONE]", () => {
    const decoder = codec.streamDecoder();
    const events = [
      delta({ role: "assistant", content: "" }),
      delta({ reasoning_content: "Think." }),
      delta({ content: "Calling." }),
      delta({ tool_calls: [{ index: 3, id: "call_a", type: "function", function: { name: "a", arguments: "" } }] }),
      delta({ tool_calls: [{ index: 3, function: { arguments: '{"x":' } }] }),
      delta({ tool_calls: [{ index: 5, id: "call_b", type: "function", function: { name: "b", arguments: "{}" }, extra_content: { google: { thought_signature: "ts" } } }] }),
      delta({ tool_calls: [{ index: 3, function: { arguments: "1}" } }] }),
      delta({}, "tool_calls"),
      sse({ ...head, choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, completion_tokens_details: { reasoning_tokens: 2 } } }),
      sse("[DONE]"),
    ].flatMap((e) => decoder.push(e));
    expect([...events, ...decoder.end()]).toEqual([
      { type: "start", id: "chatcmpl-9", model: "deepseek-reasoner", created: 5 },
      { type: "reasoning", text: "Think." },
      { type: "text", text: "Calling." },
      { type: "tool_call_start", index: 0, id: "call_a", name: "a" },
      { type: "tool_call_delta", index: 0, arguments: '{"x":' },
      { type: "tool_call_start", index: 1, id: "call_b", name: "b", signature: "ts" },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
      { type: "tool_call_delta", index: 0, arguments: "1}" },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { input: 9, output: 4, cache_read: 0, cache_write: 0, reasoning: 2 } },
    ] satisfies ChatStreamEvent[]);
  });

  it("decodes OpenRouter's reasoning_details over its duplicate reasoning text, and an error chunk", () => {
    const decoder = codec.streamDecoder();
    expect(decoder.push(delta({ reasoning: "a", reasoning_details: [{ type: "reasoning.text", text: "a", signature: "s", index: 0 }] }))).toEqual([
      { type: "start", id: "chatcmpl-9", model: "deepseek-reasoner", created: 5 },
      { type: "reasoning", text: "a" },
      { type: "reasoning_end", signature: "s", id: undefined },
    ]);
    expect(decoder.push(sse({ error: { message: "upstream went away", type: "server_error" } }))).toEqual([
      { type: "error", error: { status: 500, message: "upstream went away", type: "server_error" } },
    ]);
  });

  describe("the encoder's output, read by the openai SDK", () => {
    let server: Server;
    let client: OpenAI;
    let events: SseEvent[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(serializeSseEvents(events));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      client = new OpenAI({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: "k", maxRetries: 0 });
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const canonical: ChatStreamEvent[] = [
      { type: "start", id: "msg_1", model: "claude-sonnet-4-5", created: 1_700_000_000 },
      { type: "reasoning", text: "Two calls." },
      { type: "reasoning_end", signature: "sig" },
      { type: "text", text: "Checking " },
      { type: "text", text: "both." },
      { type: "tool_call_start", index: 0, id: "toolu_a", name: "weather" },
      { type: "tool_call_delta", index: 0, arguments: '{"city":' },
      { type: "tool_call_start", index: 1, id: "toolu_b", name: "time" },
      { type: "tool_call_delta", index: 0, arguments: '"Paris"}' },
      { type: "tool_call_delta", index: 1, arguments: "{}" },
      { type: "usage", usage: { input: 30, cache_read: 10, cache_write: 5 } },
      { type: "finish", reason: "tool_calls" },
      { type: "usage", usage: { output: 17 } },
    ];
    const encode = (includeUsage: boolean, stream: ChatStreamEvent[] = canonical) => {
      const encoder = codec.streamEncoder({ includeUsage });
      return [...stream.flatMap((e) => encoder.push(e)), ...encoder.end()];
    };

    it("assembles into the completion: text, parallel tool calls with their ids, finish reason, summed usage", async () => {
      events = encode(true);
      const completion = await client.chat.completions
        .stream({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } })
        .finalChatCompletion();
      const choice = completion.choices[0]!;
      expect(choice.message.content).toBe("Checking both.");
      expect(choice.finish_reason).toBe("tool_calls");
      expect(choice.message.tool_calls?.map((c) => c.type === "function" && [c.id, c.function.name, c.function.arguments])).toEqual([
        ["toolu_a", "weather", '{"city":"Paris"}'],
        ["toolu_b", "time", "{}"],
      ]);
      expect(completion.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 17, total_tokens: 47, prompt_tokens_details: { cached_tokens: 10, cache_write_tokens: 5 } });
      expect(completion.id).toBe("msg_1");
      expect(events.at(-1)).toEqual({ data: "[DONE]" });
    });

    it("sends the usage chunk only when asked, and carries reasoning as reasoning_content and the signature in reasoning_details", async () => {
      events = encode(false);
      const chunks = [];
      for await (const chunk of await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })) chunks.push(chunk);
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
      const deltas = chunks.map((c) => c.choices[0]?.delta as Record<string, unknown>);
      expect(deltas.filter((d) => d.reasoning_details)).toEqual([
        { reasoning_content: "Two calls.", reasoning_details: [{ type: "reasoning.text", text: "Two calls.", index: 0 }] },
        { reasoning_details: [{ type: "reasoning.text", text: "", index: 0, signature: "sig" }] },
      ]);
      // What the encoder writes, its decoder reads back as the same events.
      const decoder = codec.streamDecoder();
      expect(events.flatMap((e) => decoder.push(e)).filter((e) => e.type !== "usage")).toEqual(canonical.filter((e) => e.type !== "usage"));
    });

    it("ends a stream that failed mid-way with OpenAI's error event, which the SDK raises, and no [DONE]", async () => {
      events = encode(false, [canonical[0]!, canonical[3]!, { type: "error", error: { status: 529, message: "Overloaded", type: "overloaded_error" } }, canonical[4]!]);
      expect(events.some((e) => e.data === "[DONE]")).toBe(false);
      const seen: string[] = [];
      const reading = (async () => {
        for await (const chunk of await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })) {
          seen.push(chunk.choices[0]?.delta.content ?? "");
        }
      })();
      await expect(reading).rejects.toMatchObject({ message: expect.stringContaining("Overloaded") });
      expect(seen).toEqual(["", "Checking "]);
    });
  });
});
