import { describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import { formatError } from "@/lib/formats/testing";
import { decodeConverseRequest, encodeConverseRequest, isAnthropicModelId } from "./request";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const base = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, stream: false, messages: [{ role: "user", content: "hi" }], ...extra });

describe("canonical → Converse", () => {
  it("puts the URL-encoded model and the method in the path", () => {
    expect(encodeConverseRequest(base()).path).toBe("model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
    expect(encodeConverseRequest(base({ model: `us.${MODEL}`, stream: true })).path).toBe("model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream");
    expect(formatError(() => encodeConverseRequest(base({ model: "../x y" }))).field).toBe("model");
  });

  it("carries system, alternating turns (tool results merged into user turns), images, tools, tool choice and inference settings", () => {
    const { body } = encodeConverseRequest(
      base({
        messages: [
          { role: "system", content: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }] },
          { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
          { role: "assistant", content: null, reasoning: [{ type: "thinking", text: "hm", signature: "s" }], tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }, { id: "t2", type: "function", function: { name: "f", arguments: "" } }] },
          { role: "tool", tool_call_id: "t1", content: '{"ok":true}' },
          { role: "tool", tool_call_id: "t2", content: "plain" },
          { role: "user", content: "and?" },
        ],
        tools: [{ type: "function", function: { name: "f", description: "F", parameters: { type: "object" } } }],
        tool_choice: "required",
        max_tokens: 100,
        temperature: 0.5,
        top_p: 0.9,
        stop: ["END"],
      }),
    );
    expect(body).toEqual({
      system: [{ text: "Be brief." }, { cachePoint: { type: "default" } }],
      messages: [
        { role: "user", content: [{ text: "Look" }, { image: { format: "png", source: { bytes: "AAAA" } } }] },
        {
          role: "assistant",
          content: [
            { reasoningContent: { reasoningText: { text: "hm", signature: "s" } } },
            { toolUse: { toolUseId: "t1", name: "f", input: { a: 1 } } },
            { toolUse: { toolUseId: "t2", name: "f", input: {} } },
          ],
        },
        {
          role: "user",
          content: [
            { toolResult: { toolUseId: "t1", content: [{ json: { ok: true } }], status: "success" } },
            { toolResult: { toolUseId: "t2", content: [{ text: "plain" }], status: "success" } },
            { text: "and?" },
          ],
        },
      ],
      toolConfig: { tools: [{ toolSpec: { name: "f", description: "F", inputSchema: { json: { type: "object" } } } }], toolChoice: { any: {} } },
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ["END"] },
    });
  });

  it("asks Anthropic models for thinking and top_k in additionalModelRequestFields, and refuses them for others", () => {
    const thinking = encodeConverseRequest(base({ reasoning: { effort: "low" }, top_k: 5 })).body;
    expect(thinking.additionalModelRequestFields).toEqual({ top_k: 5, thinking: { type: "enabled", budget_tokens: 2048 } });
    expect(thinking.inferenceConfig).toEqual({ maxTokens: 2048 + 4096 });
    expect(encodeConverseRequest(base({ reasoning: { effort: "low" }, max_tokens: 3000 })).body.inferenceConfig).toEqual({ maxTokens: 3000 });
    expect(encodeConverseRequest(base({ reasoning: { budget_tokens: 0 } })).body.additionalModelRequestFields).toBeUndefined();
    expect(formatError(() => encodeConverseRequest(base({ model: "amazon.nova-pro-v1:0", reasoning: { effort: "high" } }))).field).toBe("reasoning");
    expect(formatError(() => encodeConverseRequest(base({ model: "meta.llama3-3-70b-instruct-v1:0", top_k: 3 }))).field).toBe("top_k");
  });

  it("sends a JSON schema as outputConfig's text", () => {
    const { body } = encodeConverseRequest(base({ response_format: { type: "json_schema", json_schema: { name: "a", schema: { type: "object" } } } }));
    expect(body.outputConfig).toEqual({ textFormat: { type: "json_schema", structure: { jsonSchema: { schema: '{"type":"object"}', name: "a" } } } });
  });

  it.each([
    ["n", { n: 2 }],
    ["seed", { seed: 1 }],
    ["presence_penalty", { presence_penalty: 1 }],
    ["frequency_penalty", { frequency_penalty: 1 }],
    ["logprobs", { logprobs: true }],
    ["top_logprobs", { top_logprobs: 2 }],
    ["parallel_tool_calls", { parallel_tool_calls: false, tools: [{ type: "function" as const, function: { name: "f" } }] }],
    ["response_format", { response_format: { type: "json_object" as const } }],
    ["tool_choice", { tool_choice: "none" as const, tools: [{ type: "function" as const, function: { name: "f" } }] }],
  ])("refuses %s, naming it", (field, extra) => {
    const error = formatError(() => encodeConverseRequest(base(extra as Partial<ChatRequest>)));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("refuses image URLs it was not given the bytes of, and types Converse does not take", () => {
    const url = (u: string) => base({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: u } }] }] });
    expect(formatError(() => encodeConverseRequest(url("https://x.test/a.png"))).message).toContain("data: URL");
    expect(formatError(() => encodeConverseRequest(url("data:image/tiff;base64,AA"))).message).toContain("image/tiff");
  });

  it("knows Anthropic model ids, cross-region profiles included", () => {
    expect([MODEL, `us.${MODEL}`, `global.${MODEL}`, "amazon.nova-pro-v1:0", "meta.llama3"].map(isAnthropicModelId)).toEqual([true, true, true, false, false]);
  });
});

describe("Converse → canonical", () => {
  it("reads a client's Converse body with the model and streaming from the path", () => {
    const request = decodeConverseRequest(
      {
        system: [{ text: "S" }, { cachePoint: { type: "default" } }],
        messages: [
          { role: "user", content: [{ text: "hi" }, { image: { format: "jpeg", source: { bytes: "AA" } } }] },
          { role: "assistant", content: [{ toolUse: { toolUseId: "t", name: "f", input: { a: 1 } } }] },
          { role: "user", content: [{ toolResult: { toolUseId: "t", content: [{ json: { b: 2 } }] } }] },
        ],
        inferenceConfig: { maxTokens: 5, stopSequences: ["x"] },
        toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object" } } } }], toolChoice: { tool: { name: "f" } } },
        additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024 } },
      },
      { model: MODEL, stream: true },
    );
    expect(request).toEqual({
      model: MODEL,
      stream: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "S", cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "text", text: "hi" }, { type: "image_url", image_url: { url: "data:image/jpeg;base64,AA" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
        { role: "tool", tool_call_id: "t", content: '{"b":2}' },
      ],
      max_tokens: 5,
      stop: ["x"],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      reasoning: { budget_tokens: 1024 },
    });
  });

  it("refuses fields with no canonical place, naming them", () => {
    expect(formatError(() => decodeConverseRequest({ messages: [], guardrailConfig: {} }, { model: MODEL })).field).toBe("guardrailConfig");
    expect(formatError(() => decodeConverseRequest({ messages: [{ role: "user", content: [{ document: {} }] }] }, { model: MODEL })).field).toBe("messages[0].content[0]");
    expect(formatError(() => decodeConverseRequest({ messages: [] })).field).toBe("model");
  });
});
