import fc from "fast-check";
import { describe, it } from "vitest";
import type { JsonObject } from "@/lib/formats/json";
import { valueOrFormatError } from "@/lib/formats/testing";
import { openAiChatCodec as codec } from "./codec";

const json = fc.jsonValue({ maxDepth: 4 });
const part = fc.oneof(
  fc.record({ type: fc.constantFrom("text", "image_url", "input_audio", "file", "refusal"), text: json, image_url: json, refusal: json }, { requiredKeys: ["type"] }),
  json,
);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function"), json),
    content: fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }), json),
    tool_calls: fc.oneof(fc.array(fc.record({ id: json, type: json, function: json, extra_content: json }, { requiredKeys: [] }), { maxLength: 2 }), json),
    tool_call_id: json,
    reasoning_details: json,
    reasoning_content: json,
  },
  { requiredKeys: ["role"] },
);
/** Bodies shaped like Chat Completions requests, with any value where a field's value goes. */
const body = fc.record(
  {
    model: fc.oneof(fc.string(), json),
    messages: fc.oneof(fc.array(message, { maxLength: 4 }), json),
    stream: json,
    stream_options: json,
    max_tokens: json,
    max_completion_tokens: json,
    stop: json,
    tools: fc.oneof(fc.array(fc.record({ type: fc.constantFrom("function", "custom"), function: json }), { maxLength: 2 }), json),
    tool_choice: json,
    response_format: json,
    reasoning_effort: json,
    temperature: json,
    n: json,
  },
  { requiredKeys: [] },
);

/** Answer bodies: any object, and objects shaped like a completion with any values inside. */
const answerBody = fc.oneof(
  fc.object({ maxDepth: 3 }),
  fc.record(
    {
      id: json,
      choices: fc.oneof(fc.array(fc.record({ message: fc.oneof(message, json), finish_reason: json }, { requiredKeys: [] }), { maxLength: 2 }), json),
      usage: fc.oneof(fc.record({ prompt_tokens: json, completion_tokens: json, prompt_tokens_details: json, completion_tokens_details: json }, { requiredKeys: [] }), json),
    },
    { requiredKeys: [] },
  ),
);

/** Stream chunks shaped like chat.completion.chunk, with any values inside. */
const chunk = fc.record(
  {
    id: json,
    error: json,
    usage: json,
    choices: fc.oneof(
      fc.array(
        fc.record(
          {
            delta: fc.oneof(fc.record({ content: json, reasoning_content: json, reasoning_details: fc.oneof(fc.array(fc.record({ type: fc.constantFrom("reasoning.text", "reasoning.encrypted", "x"), text: json, signature: json, data: json }), { maxLength: 2 }), json), tool_calls: fc.oneof(fc.array(fc.record({ index: json, id: json, function: json, extra_content: json }, { requiredKeys: [] }), { maxLength: 2 }), json) }, { requiredKeys: [] }), json),
            finish_reason: json,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      json,
    ),
  },
  { requiredKeys: [] },
);

describe("openai-chat codec under arbitrary input", () => {
  it("decodes any request body to a value or a FormatError, and re-encodes what it accepts", () => {
    fc.assert(
      fc.property(body, (b) => {
        valueOrFormatError(() => codec.encodeRequest(codec.decodeRequest(b as JsonObject)));
      }),
      { numRuns: 500 },
    );
  });

  it("decodes any answer body and any stream event to a value or a FormatError", () => {
    fc.assert(
      fc.property(answerBody, fc.array(fc.oneof(chunk.map((c) => JSON.stringify(c)), json.map((j) => JSON.stringify(j)), fc.string()), { maxLength: 6 }), (answer, events) => {
        valueOrFormatError(() => codec.decodeResponse(answer as JsonObject));
        valueOrFormatError(() => codec.usageFromBody(answer as JsonObject));
        valueOrFormatError(() => codec.decodeError(500, answer as JsonObject));
        const decoder = codec.streamDecoder();
        for (const data of events) valueOrFormatError(() => decoder.push({ data }));
      }),
      { numRuns: 500 },
    );
  });
});
