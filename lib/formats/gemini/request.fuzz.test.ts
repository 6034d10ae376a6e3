import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/formats/json";
import { valueOrFormatError } from "@/lib/formats/testing";
import { decodeGeminiEmbeddingsRequest, readEmbeddingsRequest } from "./embeddings";
import { geminiCodec } from "./index";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly what Gemini documents, now and then any JSON at all: so most bodies get past the first field. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const schema = mostly(
  fc.record(
    {
      type: fc.constantFrom("OBJECT", "STRING", "string", "NUMBER", "ARRAY", "nope"),
      properties: fc.dictionary(fc.string({ maxLength: 5 }), fc.record({ type: fc.constantFrom("STRING", "INTEGER"), nullable: fc.boolean() }), { maxKeys: 2 }),
      items: fc.record({ type: fc.constant("STRING") }),
      nullable: fc.boolean(),
      enum: fc.array(fc.string(), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
);
const part = fc.oneof(
  fc.record({ text: mostly(fc.string()), thought: fc.boolean(), thoughtSignature: mostly(fc.base64String()) }, { requiredKeys: ["text"] }),
  fc.record({ inlineData: mostly(fc.record({ mimeType: fc.constantFrom("image/png", "audio/wav", "image/a,b"), data: fc.base64String() })) }),
  fc.record({ fileData: mostly(fc.record({ mimeType: fc.constantFrom("image/jpeg", "video/mp4"), fileUri: fc.oneof(fc.webUrl(), fc.string()) })) }),
  fc.record({ functionCall: mostly(fc.record({ id: fc.string(), name: fc.constantFrom("f", "g", ""), args: anyJson }, { requiredKeys: ["name"] })), thoughtSignature: fc.base64String() }, { requiredKeys: ["functionCall"] }),
  fc.record({ functionResponse: mostly(fc.record({ id: fc.string(), name: fc.constantFrom("f", "g"), response: anyJson }, { requiredKeys: ["name"] })) }),
  fc.record({ thoughtSignature: fc.base64String() }),
  fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }),
);
const content = fc.record({ role: mostly(fc.constantFrom("user", "model", undefined, "system")), parts: mostly(fc.array(part, { minLength: 1, maxLength: 4 })) });
const body = fc.record(
  {
    contents: mostly(fc.array(content, { maxLength: 5 })),
    systemInstruction: mostly(fc.record({ parts: fc.array(fc.record({ text: fc.string() }), { maxLength: 2 }) })),
    tools: mostly(
      fc.array(
        fc.oneof(
          fc.record({ functionDeclarations: mostly(fc.array(fc.record({ name: fc.constantFrom("f", "g"), description: fc.string(), parameters: schema }, { requiredKeys: ["name"] }), { maxLength: 2 })) }),
          fc.record({ googleSearch: fc.constant({}) }),
        ),
        { maxLength: 2 },
      ),
    ),
    toolConfig: mostly(fc.record({ functionCallingConfig: mostly(fc.record({ mode: fc.constantFrom("AUTO", "ANY", "NONE", "VALIDATED"), allowedFunctionNames: fc.array(fc.constantFrom("f", "g"), { maxLength: 2 }) }, { requiredKeys: [] })) })),
    generationConfig: mostly(
      fc.record(
        {
          temperature: mostly(fc.double({ noNaN: true, min: 0, max: 2 })),
          maxOutputTokens: mostly(fc.integer({ min: -1, max: 10_000 })),
          stopSequences: mostly(fc.array(fc.string(), { maxLength: 2 })),
          candidateCount: fc.integer({ min: 0, max: 3 }),
          responseMimeType: fc.constantFrom("application/json", "text/plain", "text/x.enum"),
          responseSchema: schema,
          thinkingConfig: mostly(fc.record({ thinkingBudget: fc.integer({ min: -2, max: 30_000 }), includeThoughts: fc.boolean(), thinkingLevel: fc.constantFrom("LOW", "HIGH", "XHIGH") }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ["contents"] },
).chain((fields) =>
  fc
    .oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.string(), anyJson, { maxKeys: 2 }) })
    .map((extra) => ({ ...extra, ...fields })),
);

describe("gemini requests, fuzzed", () => {
  it("decodes any body to a request or a FormatError naming the field, and re-encodes what it decodes", () => {
    fc.assert(
      fc.property(body, fc.oneof(fc.constant("gemini-2.5-flash"), fc.string()), fc.boolean(), (fields, model, stream) => {
        const decoded = valueOrFormatError(() => geminiCodec.decodeRequest(fields as JsonObject, { model, stream }));
        if (decoded === undefined) return;
        const encoded = valueOrFormatError(() => geminiCodec.encodeRequest(decoded));
        if (encoded !== undefined) expect(JSON.parse(JSON.stringify(encoded.body))).toEqual(encoded.body);
      }),
      { numRuns: 500 },
    );
  });

  it("decodes any stream of chunks to events or a FormatError", () => {
    const chunk = fc.oneof(
      fc.record({ candidates: mostly(fc.array(fc.record({ content: mostly(fc.record({ parts: mostly(fc.array(part, { maxLength: 3 })) })), finishReason: fc.constantFrom("STOP", "MAX_TOKENS", "SAFETY", 7) }, { requiredKeys: [] }), { maxLength: 2 })), usageMetadata: mostly(fc.record({ promptTokenCount: fc.integer({ min: -1, max: 100 }), candidatesTokenCount: fc.nat() })) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      fc.record({ error: mostly(fc.record({ code: anyJson, message: anyJson, status: anyJson }, { requiredKeys: [] })) }).map((value) => JSON.stringify(value)),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 6 }), (data) => {
        const decoder = geminiCodec.streamDecoder();
        for (const item of data) valueOrFormatError(() => decoder.push({ data: item }));
        decoder.end();
      }),
      { numRuns: 300 },
    );
  });

  it("reads any embeddings body, OpenAI's or Gemini's, to a request or a FormatError", () => {
    const embedBody = fc.oneof(
      fc.record({ model: mostly(fc.string()), input: mostly(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }))), dimensions: anyJson, encoding_format: fc.constantFrom("float", "base64", "x") }, { requiredKeys: [] }),
      fc.record({ content: mostly(fc.record({ parts: fc.array(part, { maxLength: 2 }) })), outputDimensionality: anyJson, taskType: fc.string() }, { requiredKeys: [] }),
      fc.record({ requests: mostly(fc.array(fc.record({ model: fc.constantFrom("models/e", "e", "x"), content: fc.record({ parts: fc.array(fc.record({ text: fc.string() }), { maxLength: 2 }) }) }, { requiredKeys: [] }), { maxLength: 3 })) }),
    );
    fc.assert(
      fc.property(embedBody, fc.boolean(), (fields, batch) => {
        valueOrFormatError(() => readEmbeddingsRequest(fields as JsonObject));
        valueOrFormatError(() => decodeGeminiEmbeddingsRequest(fields as JsonObject, { model: "e", batch }));
      }),
      { numRuns: 300 },
    );
  });
});
