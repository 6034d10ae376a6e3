import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";
import { openAiResponsesCodec } from "./index";

/** Runs `fn`; a thrown FormatError is a refusal (false), anything else thrown fails the property. */
function acceptedOrRefused(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).not.toBe("");
    return false;
  }
}

const anything = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(fc.string(), anything);
const part = fc.oneof(
  fc.record({ type: fc.constant("input_text"), text }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("input_image"), image_url: text, detail: fc.constantFrom("auto", "low", "high", "original", 1), file_id: anything }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constantFrom("output_text", "refusal", "input_file", "reasoning_text"), text, refusal: text }, { requiredKeys: ["type"] }),
  anything,
);
const content = fc.oneof(fc.string(), fc.array(part, { maxLength: 4 }), anything);
const item = fc.oneof(
  fc.record({ role: fc.constantFrom("user", "assistant", "system", "developer", "tool", 3), content, type: fc.constantFrom("message", undefined) }, { requiredKeys: ["role"] }),
  fc.record({ type: fc.constant("function_call"), call_id: text, name: text, arguments: text, id: text, namespace: anything }, { requiredKeys: ["type"] }),
  fc.record({ type: fc.constant("function_call_output"), call_id: text, output: content }, { requiredKeys: ["type"] }),
  fc.record(
    {
      type: fc.constant("reasoning"),
      id: fc.oneof(fc.constantFrom("rs_1", "rs_gw_redacted_x_0"), text),
      summary: fc.oneof(fc.array(fc.record({ type: fc.constant("summary_text"), text })), anything),
      content: anything,
      encrypted_content: text,
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constantFrom("web_search_call", "item_reference", "custom"), id: text }),
  anything,
);
const tool = fc.oneof(
  fc.record({ type: fc.constantFrom("function", "web_search", "mcp"), name: text, parameters: anything, strict: anything, description: text }, { requiredKeys: ["type"] }),
  anything,
);

/** Bodies shaped like Responses requests, every field possibly of the wrong type. */
const body = fc.record(
  {
    model: text,
    input: fc.oneof(fc.string(), fc.array(item, { maxLength: 6 }), anything),
    instructions: text,
    tools: fc.oneof(fc.array(tool, { maxLength: 3 }), anything),
    tool_choice: fc.oneof(fc.constantFrom("auto", "none", "required", "any"), fc.record({ type: fc.constantFrom("function", "file_search"), name: text }), anything),
    text: fc.oneof(fc.record({ format: fc.record({ type: fc.constantFrom("text", "json_object", "json_schema", "xml"), name: text, schema: anything, strict: anything }) }), anything),
    reasoning: fc.oneof(fc.record({ effort: fc.constantFrom("low", "xhigh", 5), summary: text }), anything),
    max_output_tokens: anything,
    temperature: anything,
    stream: anything,
    store: anything,
    include: anything,
    previous_response_id: anything,
    frobnicate: anything,
  },
  { requiredKeys: [] },
);

describe("openai-responses request decoding, fuzzed", () => {
  it("turns any body into a canonical request or a FormatError naming a field, and what it takes encodes the same way", () => {
    fc.assert(
      fc.property(body, (raw) => {
        let decoded: ReturnType<typeof openAiResponsesCodec.decodeRequest> | undefined;
        if (!acceptedOrRefused(() => (decoded = openAiResponsesCodec.decodeRequest(raw as JsonObject)))) return;
        expect(decoded?.messages.length).toBeGreaterThan(0);
        acceptedOrRefused(() => openAiResponsesCodec.encodeRequest(decoded!));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("openai-responses stream decoding, fuzzed", () => {
  const eventType = fc.constantFrom(
    "response.created",
    "response.output_item.added",
    "response.output_item.done",
    "response.output_text.delta",
    "response.output_text.done",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_text.delta",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "error",
  );
  const event = fc.oneof(
    fc.record(
      { type: eventType, output_index: fc.oneof(fc.nat(3), anything), content_index: anything, summary_index: anything, delta: text, text, arguments: text, item: anything, response: anything, error: anything },
      { requiredKeys: ["type"] },
    ),
    anything,
  );

  it("never throws, whatever the provider sends", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.option(eventType), fc.oneof(event.map((e) => JSON.stringify(e)), fc.string())), { maxLength: 12 }), (events) => {
        const decoder = openAiResponsesCodec.streamDecoder();
        for (const [name, data] of events) decoder.push(name === null ? { data } : { event: name, data });
        decoder.end();
      }),
      { numRuns: 2_000 },
    );
  });
});
