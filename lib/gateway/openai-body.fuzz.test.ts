import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { assertJsonDepth, MAX_JSON_DEPTH, parseJsonObject, parseModelName } from "./openai-body";

const encode = (text: string) => new TextEncoder().encode(text);

/** Runs `fn`; a thrown 400 GatewayError is a refusal (false), anything else thrown fails the property. */
function acceptedOrRefused(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).httpCode).toBe(400);
    return false;
  }
}

/** How deeply arrays and objects nest in a parsed JSON value. */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
}

/** A JSON value (strings full of quotes, backslashes and brackets included) wrapped in up to MAX_JSON_DEPTH + 8 arrays or objects. */
const nestedJson = fc
  .tuple(
    fc.jsonValue({ maxDepth: 4 }),
    fc.integer({ min: 0, max: MAX_JSON_DEPTH + 8 }).chain((n) => fc.array(fc.constantFrom("array", "object"), { minLength: n, maxLength: n })),
    fc.string(),
  )
  .map(([inner, wrappers, key]) => wrappers.reduce<unknown>((value, kind) => (kind === "array" ? [value] : { [key]: value }), inner));

const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }).map(encode),
  fc.json({ maxDepth: 4 }).map(encode),
  nestedJson.map((value) => encode(JSON.stringify(value))),
  fc.record({ model: fc.jsonValue({ maxDepth: 2 }), messages: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }).map((o) =>
    encode(JSON.stringify(o)),
  ),
);

describe("OpenAI body parsing, fuzzed", () => {
  it("refuses exactly the JSON nested deeper than the limit, however its strings look", () => {
    fc.assert(
      fc.property(nestedJson, (value) => {
        const accepted = acceptedOrRefused(() => assertJsonDepth(encode(JSON.stringify(value))));
        expect(accepted).toBe(depthOf(value) <= MAX_JSON_DEPTH);
      }),
      { numRuns: 2_000 },
    );
  });

  it("takes any bytes as a JSON object or a 400, and what it takes re-encodes", () => {
    fc.assert(
      fc.property(bodyBytes, (raw) => {
        let body: unknown;
        if (!acceptedOrRefused(() => (body = parseJsonObject(raw)))) return;
        expect(typeof body).toBe("object");
        expect(Array.isArray(body)).toBe(false);
        // The unified surfaces re-encode the body for the provider: it must not overflow the stack.
        expect(() => JSON.stringify(body)).not.toThrow();
      }),
      { numRuns: 3_000 },
    );
  });

  it("splits any model value into a non-empty provider and model, or refuses it with a 400", () => {
    const workersAiName = fc.tuple(fc.constantFrom("@cf/", "@hf/", "@cf", "@"), fc.string({ unit: "binary" })).map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: "binary" }), workersAiName, fc.constant(undefined)), (value) => {
        let parts: { provider: string; model: string } | undefined;
        if (!acceptedOrRefused(() => (parts = parseModelName(value)))) return;
        expect(parts?.provider).not.toBe("");
        expect(parts?.model).not.toBe("");
        expect(parts?.provider).not.toContain("/");
        // Workers AI's own names keep their namespace: the model is the whole name.
        if (typeof value === "string" && /^@(cf|hf)\//.test(value)) expect(parts).toEqual({ provider: "workers-ai", model: value });
      }),
      { numRuns: 3_000 },
    );
  });
});
