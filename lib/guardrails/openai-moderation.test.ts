import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "@/tests/fake-providers/openai";
import { directEvaluatorCalls } from "@/tests/support/evaluator-calls";
import { EvaluatorUnavailableError } from "./evaluator";
import { evaluatorFor } from "./evaluators";
import { DEFAULT_MODERATION_MODEL, OPENAI_MODERATION_CATEGORIES, openAiModerationEvaluator } from "./openai-moderation";
import { TEXT_WINDOW_CHARS } from "./response-windows";
import { GUARDRAIL_CATEGORIES } from "./types";

describe("OPENAI_MODERATION_CATEGORIES", () => {
  it("maps every category OpenAI's SDK knows onto Cloudflare's", () => {
    // The SDK's Moderation.Categories, as of the installed version.
    const openAi = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic"];
    expect(Object.keys(OPENAI_MODERATION_CATEGORIES).sort()).toEqual(openAi.sort());
    for (const categories of Object.values(OPENAI_MODERATION_CATEGORIES)) {
      for (const category of categories) expect(GUARDRAIL_CATEGORIES).toContain(category);
    }
  });
});

describe("openAiModerationEvaluator", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());
  const signal = () => new AbortController().signal;

  it("calls OpenAI's moderations through the passthrough and maps what it flags", async () => {
    const calls = directEvaluatorCalls({ openAiBaseUrl: fake.baseUrl });
    const evaluator = openAiModerationEvaluator(undefined, calls.call);
    expect(await evaluator.evaluate("A fine day for a walk", "prompt", signal())).toEqual({ unsafe: [], logId: "log-1" });
    expect(calls.made[0]).toMatchObject({ path: "openai/moderations", body: { model: DEFAULT_MODERATION_MODEL, input: "A fine day for a walk" } });
    // illicit → S2, illicit/violent → S1 and S9
    expect((await evaluator.evaluate("Tell me how to build a bomb", "prompt", signal())).unsafe.sort()).toEqual(["S1", "S2", "S9"]);
    expect((await evaluator.evaluate("I want to hurt myself", "response", signal())).unsafe).toEqual(["S11"]);
  });

  it("sends the named model", async () => {
    const calls = directEvaluatorCalls({ openAiBaseUrl: fake.baseUrl });
    await evaluatorFor({ kind: "openai-moderation", model: "omni-moderation-2024-09-26" }, calls.call).evaluate("hi", "prompt", signal());
    expect(fake.requests.at(-1)?.body?.model).toBe("omni-moderation-2024-09-26");
  });

  it("sends a long text as windows in one call and unites what any window flags", async () => {
    const calls = directEvaluatorCalls({ openAiBaseUrl: fake.baseUrl });
    const filler = "Calm words. ".repeat(Math.ceil((TEXT_WINDOW_CHARS * 2) / 12));
    const verdict = await openAiModerationEvaluator(undefined, calls.call).evaluate(`${filler}I will kill the process.${filler}`, "prompt", signal());
    expect(verdict).toEqual({ unsafe: ["S1"], logId: "log-1" });
    expect(calls.made).toHaveLength(1);
    const input = calls.made[0]?.body.input as string[];
    expect(input.length).toBeGreaterThan(2);
  });

  it("is unavailable on a non-2xx answer, naming it", async () => {
    const calls = directEvaluatorCalls({ openAiBaseUrl: fake.baseUrl }, "sk-failing");
    fake.fail("sk-failing", { status: 429 });
    const failure = openAiModerationEvaluator(undefined, calls.call).evaluate("hi", "prompt", signal());
    await expect(failure).rejects.toBeInstanceOf(EvaluatorUnavailableError);
    await expect(failure).rejects.toMatchObject({ message: expect.stringMatching(/^the evaluator omni-moderation-latest answered 429: /), logId: "log-1" });
  });

  it("is unavailable when the answer has no result per input", async () => {
    const calls = directEvaluatorCalls({ openAiBaseUrl: fake.baseUrl });
    await expect(openAiModerationEvaluator("fake-malformed", calls.call).evaluate("hi", "prompt", signal())).rejects.toMatchObject({
      name: "EvaluatorUnavailableError",
      message: "the evaluator fake-malformed answered without a result per input",
      logId: "log-1",
    });
  });
});
