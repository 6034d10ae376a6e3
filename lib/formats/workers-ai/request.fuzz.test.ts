import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { valueOrFormatError } from "@/lib/formats/testing";
import { decodeWorkersAiRequest, encodeWorkersAiRequest } from "./request";
import { workersAiStreamDecoder } from "./stream";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly what Workers AI documents, now and then any JSON at all: so most bodies get past the first field. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const schema = mostly(fc.constant({ type: "object", properties: { city: { type: "string" } } }));
const tool = fc.oneof(
  fc.record({ name: mostly(fc.string()), description: mostly(fc.string()), parameters: schema }, { requiredKeys: ["name"] }),
  fc.record({ type: mostly(fc.constant("function")), function: mostly(fc.record({ name: fc.string(), parameters: schema }, { requiredKeys: ["name"] })) }),
);
const message = fc.oneof(
  fc.record({ role: mostly(fc.constantFrom("system", "user", "assistant")), content: mostly(fc.string()) }),
  fc.record({ role: fc.constant("tool"), tool_call_id: mostly(fc.string()), content: mostly(fc.string()) }),
  fc.record({
    role: fc.constant("assistant"),
    content: fc.constant(""),
    tool_calls: mostly(fc.array(fc.record({ id: fc.string(), type: fc.constant("function"), function: fc.record({ name: fc.string(), arguments: fc.string() }) }), { maxLength: 2 })),
  }),
);
const body = fc
  .record(
    {
      messages: mostly(fc.array(message, { maxLength: 4 })),
      prompt: mostly(fc.string()),
      model: mostly(fc.constantFrom("openai/gpt-4o-mini", "@cf/meta/llama-3.1-8b-instruct")),
      max_tokens: mostly(fc.integer({ min: -1, max: 10_000 })),
      temperature: mostly(fc.double({ noNaN: true, min: 0, max: 5 })),
      top_k: mostly(fc.integer({ min: 0, max: 50 })),
      seed: mostly(fc.integer()),
      stream: mostly(fc.boolean()),
      tools: mostly(fc.array(tool, { maxLength: 2 })),
      response_format: mostly(fc.record({ type: fc.constantFrom("json_object", "json_schema", "text") })),
      raw: mostly(fc.boolean()),
      repetition_penalty: mostly(fc.double({ noNaN: true })),
    },
    { requiredKeys: [] },
  )
  .chain((fields) =>
    fc
      .oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string(), anyJson, { maxKeys: 2 }) })
      .map((extra) => ({ ...extra, ...fields })),
  );

describe("Workers AI request decoding, fuzzed", () => {
  it("turns any input into a canonical request or a FormatError naming its field, and what it reads re-encodes", () => {
    fc.assert(
      fc.property(body, fc.option(fc.constant("@cf/meta/llama-3.1-8b-instruct"), { nil: undefined }), (input, model) => {
        const request = valueOrFormatError(() => decodeWorkersAiRequest(input, { model }));
        if (!request) return;
        expect(request.messages.length).toBeGreaterThan(0);
        expect(typeof request.model).toBe("string");
        const encoded = valueOrFormatError(() => encodeWorkersAiRequest(request));
        if (encoded) expect(encoded.path).toBe(`run/${request.model}`);
      }),
      { numRuns: 3_000 },
    );
  });

  it("reads any JSON stream event as canonical events, never throwing", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constant("[DONE]")), { maxLength: 6 }), (events) => {
        const decoder = workersAiStreamDecoder();
        for (const data of events) expect(Array.isArray(decoder.push({ data }))).toBe(true);
        expect(decoder.end()).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });
});
