import { describe, expect, it } from "vitest";
import { evaluateCondition, readField, validateCondition, type ConditionInput } from "./conditions";

const headers: Record<string, string> = { "x-team": "support", "content-type": "application/json" };
const input: ConditionInput = {
  body: { model: "gpt-4o", max_tokens: 200, stream: true, messages: [{ role: "system", content: "Be brief" }], tags: ["a", "b"] },
  header: (name) => headers[name.toLowerCase()],
  metadata: { plan: "free", seats: 3, beta: false, "team.region": "eu" },
};

const matched = (condition: Record<string, unknown>) => evaluateCondition(condition, input).matched;

describe("readField", () => {
  it("reads metadata (flat, dots included), headers case-insensitively, and body paths with array indexes", () => {
    expect(readField("metadata.plan", input)).toBe("free");
    expect(readField("metadata.team.region", input)).toBe("eu");
    expect(readField("headers.X-Team", input)).toBe("support");
    expect(readField("model", input)).toBe("gpt-4o");
    expect(readField("messages.0.role", input)).toBe("system");
    expect(readField("messages.1.role", input)).toBeUndefined();
    expect(readField("model.length", input)).toBeUndefined();
    expect(readField("metadata.missing", { ...input, metadata: undefined })).toBeUndefined();
  });

  it("does not read inherited properties of the body", () => {
    expect(readField("constructor", input)).toBeUndefined();
    expect(readField("tags.length", input)).toBeUndefined();
  });
});

describe("evaluateCondition", () => {
  it("treats a bare value as $eq and ANDs several fields", () => {
    expect(matched({ "metadata.plan": "free" })).toBe(true);
    expect(matched({ "metadata.plan": "pro" })).toBe(false);
    expect(matched({ "metadata.plan": "free", model: "gpt-4o" })).toBe(true);
    expect(matched({ "metadata.plan": "free", model: "gpt-4o-mini" })).toBe(false);
  });

  it("$eq and $ne compare JSON deeply; $eq null also matches an absent field", () => {
    expect(matched({ tags: { $eq: ["a", "b"] } })).toBe(true);
    expect(matched({ tags: { $eq: ["b", "a"] } })).toBe(false);
    expect(matched({ "messages.0": { $eq: { content: "Be brief", role: "system" } } })).toBe(true);
    expect(matched({ "metadata.plan": { $ne: "pro" } })).toBe(true);
    expect(matched({ "metadata.plan": { $ne: "free" } })).toBe(false);
    expect(matched({ "metadata.absent": { $eq: null } })).toBe(true);
    expect(matched({ "metadata.absent": { $ne: "x" } })).toBe(true);
  });

  it("$in and $nin", () => {
    expect(matched({ "metadata.plan": { $in: ["free", "trial"] } })).toBe(true);
    expect(matched({ "metadata.plan": { $in: ["pro"] } })).toBe(false);
    expect(matched({ "metadata.plan": { $nin: ["pro", "team"] } })).toBe(true);
    expect(matched({ "metadata.plan": { $nin: ["free"] } })).toBe(false);
  });

  it("$gt $gte $lt $lte order numbers with numbers and strings with strings, anything else is false", () => {
    expect(matched({ max_tokens: { $gt: 100 } })).toBe(true);
    expect(matched({ max_tokens: { $gt: 200 } })).toBe(false);
    expect(matched({ max_tokens: { $gte: 200 } })).toBe(true);
    expect(matched({ max_tokens: { $lt: 200 } })).toBe(false);
    expect(matched({ max_tokens: { $lte: 200 } })).toBe(true);
    expect(matched({ max_tokens: { $gt: 100, $lt: 300 } })).toBe(true);
    expect(matched({ model: { $gte: "gpt-4", $lt: "gpt-5" } })).toBe(true);
    expect(matched({ model: { $gt: 3 } })).toBe(false);
    expect(matched({ max_tokens: { $gt: "100" } })).toBe(false);
    expect(matched({ "metadata.absent": { $lt: 10 } })).toBe(false);
  });

  it("$exists true and false, on metadata, headers and body", () => {
    expect(matched({ "metadata.plan": { $exists: true } })).toBe(true);
    expect(matched({ "metadata.absent": { $exists: true } })).toBe(false);
    expect(matched({ "metadata.absent": { $exists: false } })).toBe(true);
    expect(matched({ "metadata.beta": { $exists: true } })).toBe(true);
    expect(matched({ "headers.x-team": { $exists: true } })).toBe(true);
    expect(matched({ "headers.x-other": { $exists: false } })).toBe(true);
    expect(matched({ temperature: { $exists: false } })).toBe(true);
  });

  it("$and, $or and $not nest, at the top and on a field", () => {
    expect(matched({ $or: [{ "metadata.plan": "pro" }, { "metadata.seats": { $gte: 3 } }] })).toBe(true);
    expect(matched({ $or: [{ "metadata.plan": "pro" }, { "metadata.seats": { $gt: 3 } }] })).toBe(false);
    expect(matched({ $and: [{ "metadata.plan": "free" }, { $or: [{ stream: true }, { max_tokens: { $gt: 1000 } }] }] })).toBe(true);
    expect(matched({ $and: [{ "metadata.plan": "free" }, { $not: { stream: true } }] })).toBe(false);
    expect(matched({ $not: { "metadata.plan": "pro" } })).toBe(true);
    expect(matched({ max_tokens: { $not: { $gt: 500 } } })).toBe(true);
    expect(matched({ max_tokens: { $not: { $lt: 500 } } })).toBe(false);
    expect(matched({ $not: { $or: [{ "metadata.plan": "pro" }, { "headers.x-team": "support" }] } })).toBe(false);
  });

  it("matches every request with the empty condition", () => {
    expect(evaluateCondition({}, input)).toEqual({ matched: true, detail: "no fields" });
  });

  it("says which values it read, for people", () => {
    expect(evaluateCondition({ "metadata.plan": "free" }, input).detail).toBe('metadata.plan = "free"');
    expect(evaluateCondition({ $or: [{ "metadata.tier": 1 }, { max_tokens: { $gt: 5 } }] }, input).detail).toBe(
      "metadata.tier absent, max_tokens = 200",
    );
    expect(evaluateCondition({ messages: { $exists: true } }, input).detail.length).toBeLessThanOrEqual("messages = ".length + 60);
  });

  it("evaluates a condition with an invalid part as false, even under $not, instead of throwing", () => {
    for (const part of [{ $where: "1" }, { model: { $regex: "gpt" } }, { $and: "x" }, { $or: [] }, { $not: 1 }, { model: { $exists: "yes" } }, { model: { $in: "gpt-4o" } }, { model: { $not: 1 } }, { "": 1 }]) {
      expect(evaluateCondition(part, input)).toEqual({ matched: false, detail: "the condition is invalid" });
      expect(matched({ $not: part })).toBe(false);
      expect(matched({ $or: [{ "metadata.plan": "pro" }, { $not: part }] })).toBe(false);
      expect(matched({ $or: [{ "metadata.plan": "free" }, part] })).toBe(false);
    }
  });
});

describe("validateCondition", () => {
  it("accepts every operator in its right form", () => {
    expect(
      validateCondition({
        "metadata.plan": "free",
        $and: [{ model: { $in: ["a"], $nin: ["b"] } }, { max_tokens: { $gt: 1, $gte: 1, $lt: 9, $lte: 9 } }],
        $or: [{ "headers.x-team": { $exists: true } }, { stream: { $ne: true, $eq: false } }],
        $not: { temperature: { $not: { $gt: 1 } } },
      }),
    ).toEqual([]);
  });

  it("names where each problem is", () => {
    expect(
      validateCondition({
        $or: [{ "metadata.plan": { $in: "free" } }, { model: { $regex: "gpt" } }],
        $and: [],
        $nor: [],
        "": 1,
        "a..b": 1,
        "metadata.": 1,
        x: { $exists: 1, $gt: {}, $not: 3, plain: 1 },
      }),
    ).toEqual([
      { at: "$or.0.metadata.plan.$in", message: "$in takes an array of values" },
      { at: "$or.1.model.$regex", message: expect.stringContaining("unknown operator $regex") },
      { at: "$and", message: "$and takes a non-empty array of conditions" },
      { at: "$nor", message: expect.stringContaining("unknown operator $nor") },
      { at: "", message: "a field must not be empty" },
      { at: "a..b", message: expect.stringContaining("empty segment") },
      { at: "metadata.", message: expect.stringContaining("needs a name") },
      { at: "x.$exists", message: "$exists takes true or false" },
      { at: "x.$gt", message: "$gt takes a number or a string" },
      { at: "x.$not", message: expect.stringContaining("$not takes operators") },
      { at: "x.plain", message: expect.stringContaining("mixed with operators") },
    ]);
  });

  it("refuses what is not an object, and nesting too deep", () => {
    expect(validateCondition("metadata.plan == free")).toEqual([{ at: "", message: expect.stringContaining("must be an object") }]);
    let deep: Record<string, unknown> = { model: "x" };
    for (let level = 0; level < 40; level++) deep = { $not: deep };
    expect(validateCondition(deep)).toEqual([{ at: expect.stringMatching(/^\$not(\.\$not)+$/), message: expect.stringContaining("nested more than") }]);
    expect(evaluateCondition(deep, input).matched).toBe(false);
  });
});
