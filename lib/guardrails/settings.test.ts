import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@/lib/services/errors";
import { parseInput } from "@/lib/services/validation";
import { EvaluatorUnavailableError } from "./evaluator";
import {
  actionFor,
  blockApplies,
  checkApplies,
  DEFAULT_GUARDRAIL_EVALUATOR,
  failedOutcome,
  guardrailSettingsSchema,
  judgedCategories,
  outcomeFor,
  ruledCategories,
  rulesFor,
  unjudgedRules,
} from "./settings";
import type { GuardrailSettings } from "./types";

function problems(input: unknown): string {
  try {
    parseInput(guardrailSettingsSchema, input);
  } catch (err) {
    if (err instanceof InvalidInputError) return err.message;
    throw err;
  }
  throw new Error("expected the settings to be refused");
}

describe("guardrailSettingsSchema", () => {
  it("takes Cloudflare's shape as it is, with Cloudflare's evaluator", () => {
    const settings = guardrailSettingsSchema.parse({ prompt: { S1: "BLOCK", S10: "FLAG", P1: "BLOCK" }, response: { S12: "FLAG" } });
    expect(settings).toEqual({ prompt: { S1: "BLOCK", S10: "FLAG", P1: "BLOCK" }, response: { S12: "FLAG" }, evaluator: DEFAULT_GUARDRAIL_EVALUATOR });
    expect(guardrailSettingsSchema.parse({})).toEqual({ prompt: {}, response: {}, evaluator: DEFAULT_GUARDRAIL_EVALUATOR });
  });

  it("takes either evaluator", () => {
    expect(guardrailSettingsSchema.parse({ evaluator: { kind: "llama-guard", model: " groq/llama-guard-4-12b " } }).evaluator).toEqual({ kind: "llama-guard", model: "groq/llama-guard-4-12b" });
    expect(guardrailSettingsSchema.parse({ evaluator: { kind: "llama-guard", model: "custom-guard/llama-guard-3" } }).evaluator.kind).toBe("llama-guard");
    expect(guardrailSettingsSchema.parse({ evaluator: { kind: "openai-moderation" } }).evaluator).toEqual({ kind: "openai-moderation" });
    expect(guardrailSettingsSchema.parse({ evaluator: { kind: "openai-moderation", model: "omni-moderation-2024-09-26" } }).evaluator).toEqual({ kind: "openai-moderation", model: "omni-moderation-2024-09-26" });
  });

  it("names the unknown category, and says why S14 is not one", () => {
    expect(problems({ prompt: { S99: "BLOCK" } })).toBe('prompt.S99: unknown category "S99": use S1–S13 or P1');
    expect(problems({ response: { S14: "FLAG" } })).toMatch(/^response\.S14: .*Code Interpreter Abuse has no Cloudflare category/);
    expect(problems({ prompt: { s1: "BLOCK" } })).toMatch(/^prompt\.s1: unknown category/);
  });

  it("names the category whose action is not FLAG or BLOCK", () => {
    expect(problems({ prompt: { S1: "block" } })).toBe("prompt.S1: must be FLAG or BLOCK");
    expect(problems({ response: { S2: "IGNORE" } })).toBe("response.S2: must be FLAG or BLOCK");
  });

  it("names what is wrong with the evaluator", () => {
    expect(problems({ evaluator: { kind: "llama-guard", model: "llama-guard-3-8b" } })).toMatch(/^evaluator\.model: "llama-guard-3-8b" is not \{provider\}\/\{model\}/);
    expect(problems({ evaluator: { kind: "llama-guard", model: "nowhere/llama-guard" } })).toBe('evaluator.model: unknown provider "nowhere" in "nowhere/llama-guard"');
    expect(problems({ evaluator: { kind: "llama-guard", model: "elevenlabs/x" } })).toMatch(/^evaluator\.model: provider "elevenlabs" has no chat endpoint/);
    expect(problems({ evaluator: { kind: "llama-guard" } })).toMatch(/^evaluator\.model: must be a model name/);
    expect(problems({ evaluator: { kind: "perspective" } })).toMatch(/^evaluator\.kind: must be \{ kind: "llama-guard"/);
    expect(problems({ evaluator: { kind: "openai-moderation", model: "" } })).toBe("evaluator.model: must not be empty");
  });

  it("refuses a check that is not a map", () => {
    expect(problems({ prompt: ["S1"] })).toMatch(/^prompt: /);
  });

  it("names a field it does not have, rather than dropping its rules", () => {
    expect(problems({ promt: { S1: "BLOCK" } })).toBe('unknown field "promt": use prompt, response and evaluator');
    expect(problems({ evaluator: { kind: "llama-guard", model: "groq/llama-guard-4-12b", modle: "x" } })).toBe('evaluator: unknown field "modle": use kind and model');
    expect(problems(null)).toBe("must be an object with prompt, response and evaluator");
    expect(problems("BLOCK")).toBe("must be an object with prompt, response and evaluator");
  });
});

const settings: GuardrailSettings = {
  prompt: { S1: "BLOCK", S10: "FLAG", P1: "BLOCK" },
  response: { S12: "FLAG" },
  evaluator: { kind: "llama-guard", model: "workers-ai/@cf/meta/llama-guard-3-8b" },
};

describe("the rules of a check", () => {
  it("are the check's map", () => {
    expect(rulesFor(settings, "prompt")).toEqual({ S1: "BLOCK", S10: "FLAG", P1: "BLOCK" });
    expect(checkApplies(settings, "response")).toBe(true);
    expect(checkApplies({ ...settings, response: {} }, "response")).toBe(false);
  });

  it("block when a BLOCK rule names a category found, else flag when any rule does", () => {
    expect(actionFor(settings, "prompt", [])).toBe("NONE");
    expect(actionFor(settings, "prompt", ["S2"])).toBe("NONE");
    expect(actionFor(settings, "prompt", ["S10"])).toBe("FLAG");
    expect(actionFor(settings, "prompt", ["S10", "S1"])).toBe("BLOCK");
    expect(actionFor(settings, "response", ["S1", "S12"])).toBe("FLAG");
  });

  it("say whether an unavailable evaluator fails the request", () => {
    expect(blockApplies(settings, "prompt")).toBe(true);
    expect(blockApplies(settings, "response")).toBe(false);
  });

  it("log an evaluation without a verdict with why", () => {
    expect(failedOutcome("prompt", new EvaluatorUnavailableError("the evaluator x answered 503", "log-3"))).toEqual({ check: "prompt", categories: [], action: "NONE", error: "the evaluator x answered 503", evaluationLogId: "log-3" });
    expect(failedOutcome("response", new EvaluatorUnavailableError("could not be called"), 4000)).toEqual({ check: "response", categories: [], action: "NONE", error: "could not be called", throughChar: 4000 });
  });

  it("keep only ruled categories in the outcome", () => {
    expect(ruledCategories(settings, "prompt", ["S2", "S10", "S1"])).toEqual(["S10", "S1"]);
    expect(outcomeFor(settings, "prompt", { unsafe: ["S2", "S1"], logId: "log-1" })).toEqual({ check: "prompt", categories: ["S1"], action: "BLOCK", evaluationLogId: "log-1" });
    expect(outcomeFor(settings, "response", { unsafe: [], logId: "log-2" }, 2000)).toEqual({ check: "response", categories: [], action: "NONE", evaluationLogId: "log-2", throughChar: 2000 });
  });
});

describe("judged categories", () => {
  it("are S1–S13 for Llama Guard, and the mapped ones for OpenAI's moderation; neither judges P1", () => {
    expect(judgedCategories({ kind: "llama-guard", model: "groq/x" })).toEqual(["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13"]);
    expect(judgedCategories({ kind: "openai-moderation" })).toEqual(["S1", "S2", "S4", "S9", "S10", "S11", "S12"]);
  });

  it("list the rules that can never fire", () => {
    expect(unjudgedRules(settings)).toEqual(["P1"]);
    expect(unjudgedRules({ ...settings, response: { S13: "FLAG" }, evaluator: { kind: "openai-moderation" } })).toEqual(["S13", "P1"]);
  });
});
