import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCondition, validateCondition } from "./conditions";
import { parseRoute } from "./schema";
import { testRoute } from "./tester";
import { validateRoute } from "./validate";

const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly well formed, now and then any JSON at all: so most routes get past the first field. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: anyJson });
}
const ids = ["start", "a", "b", "c", "end", "e0", "e1", "e2", "e3"];
const elementId = fc.constantFrom(...ids);
const output = mostly(fc.record({ elementId }));
const field = fc.constantFrom("metadata.plan", "headers.x-team", "model", "messages.0.role", "max_tokens", "$or", "a..b", "");
const operand = fc.oneof(fc.constantFrom("free", 3, true, null), fc.array(fc.constantFrom("free", "pro", 3)), anyJson);
const fieldExpression = fc.oneof(
  operand,
  fc.dictionary(fc.constantFrom("$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$not", "$regex", "plain"), operand, { maxKeys: 3 }),
);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  condition: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.dictionary(field, fieldExpression, { maxKeys: 3 }),
    fc.record({ $and: fc.array(mostly(tie("condition")), { maxLength: 3 }) }),
    fc.record({ $or: fc.array(mostly(tie("condition")), { maxLength: 3 }) }),
    fc.record({ $not: mostly(tie("condition")) }),
  ),
})).condition;

const element = fc.oneof(
  fc.record({ id: elementId, type: fc.constant("start"), outputs: mostly(fc.record({ next: output })) }),
  fc.record({
    id: elementId,
    type: fc.constant("conditional"),
    properties: mostly(fc.oneof(fc.record({ conditions: condition }), fc.record({ condition }))),
    outputs: mostly(fc.record({ true: output, false: output })),
  }),
  fc.record({ id: elementId, type: fc.constant("percentage"), outputs: fc.dictionary(fc.constantFrom("10%", "50%", "90%", "100%", "else", "x"), output, { maxKeys: 4 }) }),
  fc.record(
    {
      id: elementId,
      type: fc.constantFrom("rate", "rate_limit"),
      properties: mostly(
        fc.record(
          { limitType: mostly(fc.constantFrom("count", "cost")), key: mostly(field), limit: mostly(fc.double()), window: fc.integer(), interval: fc.integer(), technique: fc.constantFrom("fixed", "sliding") },
          { requiredKeys: ["limitType", "key", "limit"] },
        ),
      ),
      outputs: mostly(fc.record({ success: output, fallback: output }, { requiredKeys: ["success"] })),
    },
    { requiredKeys: ["id", "type"] },
  ),
  fc.record({
    id: elementId,
    type: fc.constant("model"),
    properties: mostly(fc.record({ provider: fc.constantFrom("openai", "nope"), model: fc.string(), timeout: fc.integer(), retries: fc.integer() }, { requiredKeys: ["provider", "model"] })),
    outputs: mostly(fc.record({ success: output, fallback: output }, { requiredKeys: [] })),
  }),
  fc.record({ id: elementId, type: fc.constant("end") }),
  anyJson,
);
const route = mostly(fc.record({ name: mostly(fc.constantFrom("support", "Bad Name")), elements: mostly(fc.array(element, { maxLength: 8 })) }));

/** Well-formed graphs whose outputs only lead forward: most of them valid, so the walk gets fuzzed too. */
const forwardRoute = fc.integer({ min: 2, max: 8 }).chain((size) => {
  const later = (index: number) => fc.integer({ min: index + 1, max: size - 1 }).map((target) => ({ elementId: `e${target}` }));
  const node = (index: number): fc.Arbitrary<unknown> => {
    if (index === 0) return later(0).map((next) => ({ id: "e0", type: "start", outputs: { next } }));
    if (index === size - 1) return fc.constant({ id: `e${index}`, type: "end" });
    const id = `e${index}`;
    return fc.oneof(
      fc.record({ id: fc.constant(id), type: fc.constant("conditional"), properties: fc.record({ conditions: condition }), outputs: fc.record({ true: later(index), false: later(index) }) }),
      fc.tuple(later(index), later(index)).map(([first, rest]) => ({ id, type: "percentage", outputs: { "40%": first, else: rest } })),
      fc.record({
        id: fc.constant(id),
        type: fc.constant("rate"),
        properties: fc.record({ limitType: fc.constant("count"), key: field, limit: fc.constant(5), window: fc.constant(60) }),
        outputs: fc.record({ success: later(index), fallback: later(index) }, { requiredKeys: ["success"] }),
      }),
      fc.record({
        id: fc.constant(id),
        type: fc.constant("model"),
        properties: fc.record({ provider: fc.constant("openai"), model: fc.constant("gpt-4o") }),
        outputs: fc.record({ success: later(index), fallback: later(index) }, { requiredKeys: [] }),
      }),
    );
  };
  return fc.tuple(...Array.from({ length: size }, (_, index) => node(index))).map((elements) => ({ name: "support", elements }));
});

describe("routes from clients", () => {
  it("parse, validate and test to values, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(route, forwardRoute), anyJson, fc.array(elementId), async (input, metadata, failing) => {
        const parsed = parseRoute(input);
        if ("problems" in parsed) {
          expect(parsed.problems.length).toBeGreaterThan(0);
          return;
        }
        const problems = validateRoute(parsed.route.elements, { isKnownProvider: (slug) => slug === "openai" });
        for (const problem of problems) expect(typeof problem.message).toBe("string");
        const sample = { body: { model: "dynamic/support", max_tokens: 10 }, metadata: metadata as Record<string, string> };
        const result = await testRoute(parsed.route, sample, { failing, overLimit: failing });
        expect(result.path.length).toBeLessThanOrEqual(parsed.route.elements.length + 1);
        // A route that validates never leaves the walk stuck: it answers or fails for a reason a client can be told.
        if (problems.length === 0) expect(result.outcome).not.toMatchObject({ reason: "invalid_route" });
      }),
      { numRuns: 500 },
    );
  });

  it("conditions validate and evaluate to values, never a throw, and agree on what is invalid", () => {
    fc.assert(
      fc.property(condition, anyJson, (value, body) => {
        const input = { body: { body }, header: () => undefined, metadata: { plan: "free" } };
        const evaluated = evaluateCondition(value as Record<string, unknown>, input);
        // What validation refuses is exactly what evaluation treats as invalid: no deployed condition misbehaves.
        expect(evaluated.detail === "the condition is invalid").toBe(validateCondition(value).length > 0);
        if (evaluated.detail === "the condition is invalid") expect(evaluated.matched).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
