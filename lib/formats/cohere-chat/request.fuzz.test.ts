import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/formats/json";
import { readEmbeddingsRequest } from "@/lib/formats/embeddings";
import { valueOrFormatError } from "@/lib/formats/testing";
import { decodeCohereEmbeddingsResponse } from "./embeddings";
import { cohereChatCodec } from "./index";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly what Cohere documents, now and then any JSON at all: so most bodies get past the first field. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const text = fc.record({ type: fc.constantFrom("text", "thinking", "image_url", "document", "nope"), text: mostly(fc.string()) });
const item = fc.oneof(
  text,
  fc.record({ type: fc.constant("thinking"), thinking: mostly(fc.string()) }),
  fc.record({ type: fc.constant("image_url"), image_url: mostly(fc.record({ url: mostly(fc.webUrl()), detail: fc.constantFrom("auto", "low", "high", "max") }, { requiredKeys: ["url"] })) }),
  fc.record({ type: fc.constant("document"), document: mostly(fc.record({ data: anyJson, id: fc.string() }, { requiredKeys: [] })) }),
);
const content = mostly(fc.oneof(fc.string(), fc.array(item, { maxLength: 3 })));
const call = fc.record({ id: mostly(fc.constantFrom("c1", "c2")), type: fc.constant("function"), function: mostly(fc.record({ name: mostly(fc.constantFrom("f", "g")), arguments: mostly(fc.string()) }, { requiredKeys: [] })) }, { requiredKeys: [] });
const message = fc.oneof(
  fc.record({ role: fc.constantFrom("system", "user", "chatbot"), content }),
  fc.record({ role: fc.constant("assistant"), content, tool_plan: mostly(fc.string()), tool_calls: mostly(fc.array(call, { maxLength: 2 })), citations: anyJson }, { requiredKeys: ["role"] }),
  fc.record({ role: fc.constant("tool"), tool_call_id: mostly(fc.constantFrom("c1", "c2", "")), content }, { requiredKeys: ["role"] }),
);
const tool = fc.record({ type: mostly(fc.constant("function")), function: mostly(fc.record({ name: mostly(fc.constantFrom("f", "g")), description: mostly(fc.string()), parameters: mostly(fc.record({ type: fc.constant("object") })) }, { requiredKeys: [] })) }, { requiredKeys: [] });
const body = fc
  .record(
    {
      model: mostly(fc.constantFrom("command-a-03-2025", "")),
      messages: mostly(fc.array(message, { maxLength: 5 })),
      stream: mostly(fc.boolean()),
      tools: mostly(fc.array(tool, { maxLength: 2 })),
      strict_tools: mostly(fc.boolean()),
      tool_choice: mostly(fc.constantFrom("REQUIRED", "NONE", "AUTO")),
      response_format: mostly(fc.record({ type: fc.constantFrom("text", "json_object", "json_schema"), json_schema: mostly(fc.record({ type: fc.constant("object") })) }, { requiredKeys: [] })),
      max_tokens: mostly(fc.integer({ min: -1, max: 10_000 })),
      temperature: mostly(fc.double({ noNaN: true, min: 0, max: 2 })),
      p: mostly(fc.double({ noNaN: true, min: 0, max: 1 })),
      k: mostly(fc.integer({ min: 0, max: 500 })),
      seed: mostly(fc.integer()),
      stop_sequences: mostly(fc.array(fc.string(), { maxLength: 2 })),
      thinking: mostly(fc.record({ type: fc.constantFrom("enabled", "disabled", "adaptive"), token_budget: mostly(fc.integer({ min: -1, max: 30_000 })) }, { requiredKeys: [] })),
      logprobs: fc.boolean(),
      documents: fc.array(fc.string(), { maxLength: 1 }),
      safety_mode: fc.constantFrom("CONTEXTUAL", "OFF"),
    },
    { requiredKeys: ["messages"] },
  )
  .chain((fields) =>
    fc
      .oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string(), anyJson, { maxKeys: 2 }) })
      .map((extra) => ({ ...extra, ...fields })),
  );

describe("cohere-chat requests, fuzzed", () => {
  it("decodes any body to a request or a FormatError naming the field, and re-encodes what it decodes", () => {
    fc.assert(
      fc.property(body, (fields) => {
        const decoded = valueOrFormatError(() => cohereChatCodec.decodeRequest(fields as JsonObject));
        if (decoded === undefined) return;
        const encoded = valueOrFormatError(() => cohereChatCodec.encodeRequest(decoded));
        if (encoded !== undefined) expect(JSON.parse(JSON.stringify(encoded.body))).toEqual(encoded.body);
      }),
      { numRuns: 500 },
    );
  });

  it("decodes any stream of events to canonical events or a FormatError", () => {
    const delta = fc.record({ message: mostly(fc.record({ content: mostly(fc.record({ type: fc.constantFrom("text", "thinking"), text: fc.string(), thinking: fc.string() }, { requiredKeys: [] })), tool_plan: mostly(fc.string()), tool_calls: mostly(call) }, { requiredKeys: [] })), finish_reason: fc.constantFrom("COMPLETE", "TOOL_CALL", "ERROR", 3), usage: anyJson, error: anyJson }, { requiredKeys: [] });
    const event = fc.oneof(
      fc.record({ type: fc.constantFrom("message-start", "content-start", "content-delta", "content-end", "tool-plan-delta", "tool-call-start", "tool-call-delta", "tool-call-end", "citation-start", "message-end", "debug"), index: anyJson, id: anyJson, delta: mostly(delta) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      fc.constant("[DONE]"),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (data) => {
        const decoder = cohereChatCodec.streamDecoder();
        for (const item of data) valueOrFormatError(() => decoder.push({ data: item }));
        decoder.end();
      }),
      { numRuns: 300 },
    );
  });

  it("decodes any answer to a response or a FormatError", () => {
    const answer = fc.record({ id: anyJson, finish_reason: fc.constantFrom("COMPLETE", "MAX_TOKENS", "TOOL_CALL", "ERROR", 1), message: mostly(fc.record({ content: mostly(fc.array(item, { maxLength: 2 })), tool_plan: anyJson, tool_calls: mostly(fc.array(call, { maxLength: 2 })) }, { requiredKeys: [] })), usage: anyJson }, { requiredKeys: [] });
    fc.assert(
      fc.property(answer, (fields) => {
        valueOrFormatError(() => cohereChatCodec.decodeResponse(fields as JsonObject));
        cohereChatCodec.usageFromBody(fields as JsonObject);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes any embed answer to OpenAI's list or a FormatError", () => {
    const answer = fc.record({ embeddings: mostly(fc.record({ float: mostly(fc.array(mostly(fc.array(fc.double(), { maxLength: 3 })), { maxLength: 2 })) }, { requiredKeys: [] })), meta: anyJson }, { requiredKeys: [] });
    const request = readEmbeddingsRequest({ model: "embed-v4.0", input: "a", encoding_format: "base64" });
    fc.assert(
      fc.property(answer, (fields) => {
        valueOrFormatError(() => decodeCohereEmbeddingsResponse(fields as JsonObject, request));
      }),
      { numRuns: 300 },
    );
  });
});
