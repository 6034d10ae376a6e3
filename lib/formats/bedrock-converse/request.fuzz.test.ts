import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { valueOrFormatError } from "@/lib/formats/testing";
import { bedrockConverseCodec } from "./index";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly what Converse documents, now and then any JSON at all. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const block = fc.oneof(
  fc.record({ text: mostly(fc.string()) }),
  fc.record({ image: mostly(fc.record({ format: fc.constantFrom("png", "jpeg", "tiff"), source: mostly(fc.record({ bytes: fc.base64String() })) })) }),
  fc.record({ toolUse: mostly(fc.record({ toolUseId: fc.constantFrom("t1", "t2"), name: fc.constantFrom("f", "g"), input: anyJson })) }),
  fc.record({ toolResult: mostly(fc.record({ toolUseId: fc.constantFrom("t1", "t2"), content: mostly(fc.array(fc.oneof(fc.record({ text: fc.string() }), fc.record({ json: anyJson })), { maxLength: 2 })), status: fc.constantFrom("success", "error") })) }),
  fc.record({ reasoningContent: mostly(fc.oneof(fc.record({ reasoningText: mostly(fc.record({ text: fc.string(), signature: fc.string() }, { requiredKeys: ["text"] })) }), fc.record({ redactedContent: fc.base64String() }))) }),
  fc.record({ cachePoint: fc.constant({ type: "default" }) }),
  fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }),
);
const message = fc.record({ role: mostly(fc.constantFrom("user", "assistant", "system")), content: mostly(fc.array(block, { maxLength: 4 })) });
const body = fc.record(
  {
    messages: mostly(fc.array(message, { maxLength: 4 })),
    system: mostly(fc.array(fc.oneof(fc.record({ text: fc.string() }), fc.record({ cachePoint: fc.constant({ type: "default" }) })), { maxLength: 2 })),
    inferenceConfig: mostly(fc.record({ maxTokens: mostly(fc.nat()), temperature: mostly(fc.double({ noNaN: true })), topP: fc.double({ noNaN: true }), stopSequences: mostly(fc.array(fc.string(), { maxLength: 2 })) }, { requiredKeys: [] })),
    toolConfig: mostly(
      fc.record(
        {
          tools: mostly(fc.array(fc.oneof(fc.record({ toolSpec: mostly(fc.record({ name: fc.constantFrom("f", "g"), description: fc.string(), inputSchema: mostly(fc.record({ json: anyJson })) }, { requiredKeys: ["name"] })) }), fc.record({ cachePoint: fc.constant({}) })), { maxLength: 2 })),
          toolChoice: mostly(fc.oneof(fc.record({ auto: fc.constant({}) }), fc.record({ any: fc.constant({}) }), fc.record({ tool: mostly(fc.record({ name: fc.string() })) }))),
        },
        { requiredKeys: [] },
      ),
    ),
    additionalModelRequestFields: mostly(fc.record({ thinking: mostly(fc.record({ type: fc.constantFrom("enabled", "disabled"), budget_tokens: mostly(fc.nat()) })), top_k: mostly(fc.nat()) }, { requiredKeys: [] })),
    outputConfig: mostly(fc.record({ textFormat: mostly(fc.record({ type: fc.constant("json_schema"), structure: mostly(fc.record({ jsonSchema: mostly(fc.record({ schema: mostly(fc.json()), name: fc.string() })) })) })) })),
    guardrailConfig: anyJson,
  },
  { requiredKeys: [] },
);

describe("the Converse request decoder", () => {
  it("returns a request or a FormatError naming its field, for any body; what it returns encodes again", () => {
    fc.assert(
      fc.property(body, fc.boolean(), (input, stream) => {
        const decoded = valueOrFormatError(() => bedrockConverseCodec.decodeRequest(input as Record<string, unknown>, { model: "anthropic.claude-x-v1:0", stream }));
        if (!decoded) return;
        expect(decoded.stream).toBe(stream);
        valueOrFormatError(() => bedrockConverseCodec.encodeRequest(decoded));
      }),
      { numRuns: 500 },
    );
  });
});
