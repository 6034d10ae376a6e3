import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/formats/json";
import { valueOrFormatError } from "@/lib/formats/testing";
import { decodeRequest, encodeRequest } from "./request";
import { streamDecoder, streamEncoder } from "./stream";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly what Anthropic documents, now and then any JSON at all: so most bodies get past the first field. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const cacheControl = mostly(fc.constantFrom(undefined, { type: "ephemeral" }));
/** Content blocks as Anthropic clients send them, with a wrong field or an unknown type now and then. */
const textBlock = fc.record({ type: fc.constant("text"), text: mostly(fc.string()), cache_control: cacheControl }, { requiredKeys: ["type"] });
const block = fc.oneof(
  textBlock,
  fc.record({
    type: fc.constant("image"),
    source: mostly(
      fc.oneof(
        fc.record({ type: fc.constant("base64"), media_type: fc.constantFrom("image/png", "image/bmp"), data: fc.base64String() }),
        fc.record({ type: fc.constant("url"), url: fc.webUrl() }),
      ),
    ),
  }),
  fc.record({ type: fc.constant("tool_use"), id: fc.string(), name: fc.string(), input: anyJson }, { requiredKeys: ["type"] }),
  fc.record(
    { type: fc.constant("tool_result"), tool_use_id: fc.string(), content: mostly(fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant("text"), text: fc.string() }), { maxLength: 2 }))), cache_control: cacheControl },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("thinking"), thinking: fc.string(), signature: mostly(fc.string()) }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("redacted_thinking"), data: fc.string() }),
  fc.record({ type: fc.string(), extra: anyJson }),
);
const message = fc.record({
  role: mostly(fc.constantFrom("user", "assistant", "system")),
  content: mostly(fc.oneof(fc.string(), fc.array(block, { minLength: 1, maxLength: 4 }))),
});
const body = fc.record(
  {
    model: mostly(fc.constant("claude-sonnet-4-5")),
    max_tokens: mostly(fc.integer({ min: -1, max: 100_000 })),
    messages: mostly(fc.array(message, { maxLength: 5 })),
    system: mostly(fc.oneof(fc.string(), fc.array(textBlock, { maxLength: 2 }))),
    temperature: mostly(fc.double({ noNaN: true, min: 0, max: 2 })),
    stop_sequences: mostly(fc.array(fc.string(), { maxLength: 2 })),
    metadata: mostly(fc.record({ user_id: fc.string() })),
    tools: mostly(fc.array(fc.record({ name: fc.string(), input_schema: mostly(fc.constant({ type: "object" })) }), { maxLength: 2 })),
    tool_choice: mostly(fc.record({ type: fc.constantFrom("auto", "any", "tool", "none"), name: fc.string(), disable_parallel_tool_use: fc.boolean() })),
    thinking: mostly(fc.record({ type: fc.constantFrom("enabled", "adaptive", "disabled"), budget_tokens: fc.integer({ min: -5, max: 50_000 }) })),
    output_config: mostly(fc.record({ effort: fc.constantFrom("low", "max"), format: mostly(fc.record({ type: fc.constant("json_schema"), schema: fc.dictionary(fc.string(), anyJson, { maxKeys: 3 }) })) }, { requiredKeys: [] })),
    stream: mostly(fc.boolean()),
  },
  { requiredKeys: ["model", "messages"] },
).chain((fields) =>
  fc
    .oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string(), anyJson, { maxKeys: 2 }) })
    .map((extra) => ({ ...extra, ...fields })),
);

describe("anthropic-messages requests, fuzzed", () => {
  it("decodes any body to a request or a FormatError naming the field, and re-encodes what it decodes", () => {
    fc.assert(
      fc.property(body, (fields) => {
        const decoded = valueOrFormatError(() => decodeRequest(fields as JsonObject));
        if (decoded === undefined) return;
        const encoded = valueOrFormatError(() => encodeRequest(decoded));
        if (encoded !== undefined) expect(JSON.parse(JSON.stringify(encoded.body))).toEqual(encoded.body);
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes any stream events without throwing, and re-encodes what it decodes", () => {
    const sse = fc.record({
      event: fc.option(fc.constantFrom("message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "error", "ping"), { nil: undefined }),
      data: fc.oneof(anyJson.map((value) => JSON.stringify(value)), fc.string()),
    });
    fc.assert(
      fc.property(fc.array(sse, { maxLength: 12 }), (events) => {
        const decoder = streamDecoder();
        const encoder = streamEncoder();
        for (const event of events) for (const canonical of decoder.push(event)) encoder.push(canonical);
        decoder.end();
        encoder.end();
      }),
      { numRuns: 1000 },
    );
  });
});
