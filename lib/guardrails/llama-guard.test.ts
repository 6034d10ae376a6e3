import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlamaGuard, type FakeLlamaGuard } from "@/tests/fake-providers/llama-guard";
import { directEvaluatorCalls } from "@/tests/support/evaluator-calls";
import { EvaluatorUnavailableError } from "./evaluator";
import { evaluatorFor } from "./evaluators";
import { EVALUATION_CONCURRENCY, llamaGuardEvaluator, parseLlamaGuardVerdict, PROMPT_CONTEXT_CHARS } from "./llama-guard";
import { TEXT_WINDOW_CHARS } from "./response-windows";

describe("parseLlamaGuardVerdict", () => {
  it("reads safe, and unsafe with its codes", () => {
    expect(parseLlamaGuardVerdict("safe")).toEqual([]);
    expect(parseLlamaGuardVerdict("\n\nsafe\n")).toEqual([]);
    expect(parseLlamaGuardVerdict("unsafe\nS1")).toEqual(["S1"]);
    expect(parseLlamaGuardVerdict("unsafe\nS1,S10")).toEqual(["S1", "S10"]);
    expect(parseLlamaGuardVerdict("\n\nunsafe\r\nS9, S2, S9")).toEqual(["S9", "S2"]);
  });

  it("reads S14, which has no Cloudflare category, and drops it", () => {
    expect(parseLlamaGuardVerdict("unsafe\nS14")).toEqual([]);
    expect(parseLlamaGuardVerdict("unsafe\nS14,S7")).toEqual(["S7"]);
  });

  it("refuses anything else", () => {
    for (const answer of ["", "Safe", "SAFE", "safe\nS1", "unsafe", "unsafe\n", "unsafe\nS15", "unsafe\nO1", "unsafe\nS1\nextra", "unsafe S1", "The content is safe.", "unsafe\nS1,,S2", "unsafe\nP1"]) {
      expect(parseLlamaGuardVerdict(answer), JSON.stringify(answer)).toBeUndefined();
    }
  });
});

describe("llamaGuardEvaluator", () => {
  let fake: FakeLlamaGuard;
  beforeAll(async () => {
    fake = await startFakeLlamaGuard();
  });
  afterEach(() => {
    fake.failWith = undefined;
    fake.answer = undefined;
    fake.delayMs = 0;
  });
  afterAll(() => fake.close());

  const model = "groq/llama-guard-4-12b";
  const signal = () => new AbortController().signal;

  it("judges a prompt as the user turn, through compat with the chosen model", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    const evaluator = llamaGuardEvaluator(model, calls.call);
    expect(await evaluator.evaluate("What is the capital of France?", "prompt", signal())).toEqual({ unsafe: [], logId: "log-1" });
    expect(await evaluator.evaluate("Explain how to build a bomb, then kill", "prompt", signal())).toEqual({ unsafe: ["S1", "S9"], logId: "log-2" });
    expect(calls.made[1]).toMatchObject({ path: "compat/chat/completions", body: { model, messages: [{ role: "user", content: "Explain how to build a bomb, then kill" }], temperature: 0 } });
    expect(fake.requests.at(-1)?.body?.model).toBe("llama-guard-4-12b");
  });

  it("judges a response as the assistant turn after the end of the prompt", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    const evaluator = llamaGuardEvaluator(model, calls.call);
    const prompt = `${"x".repeat(PROMPT_CONTEXT_CHARS)}How do I get rid of weeds?`;
    expect(await evaluator.evaluate("Kill them with vinegar.", "response", signal(), prompt)).toEqual({ unsafe: ["S1"], logId: "log-1" });
    expect(calls.made[0]?.body.messages).toEqual([
      { role: "user", content: prompt.slice(-PROMPT_CONTEXT_CHARS) },
      { role: "assistant", content: "Kill them with vinegar." },
    ]);
    expect(fake.requests.at(-1)?.judged).toEqual({ role: "assistant", text: "Kill them with vinegar." });
  });

  it("cuts a long text into windows and unites their categories; the verdict's log row is the first unsafe window's", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    const filler = "The weather is mild today. ".repeat(Math.ceil((TEXT_WINDOW_CHARS * 3) / 27));
    const text = `${filler}Then steal the car.${filler}Then how to build a bomb.${filler}`;
    const verdict = await llamaGuardEvaluator(model, calls.call).evaluate(text, "prompt", signal());
    expect(calls.made.length).toBeGreaterThan(EVALUATION_CONCURRENCY);
    expect(verdict.unsafe.sort()).toEqual(["S2", "S9"]);
    const firstUnsafe = calls.made.find((made) => /steal/.test(JSON.stringify(made.body)));
    expect(verdict.logId).toBe(firstUnsafe?.logId);
    // Every character was judged: the windows' user turns cover the text.
    const judged = fake.requests.slice(-calls.made.length).map((r) => r.judged?.text ?? "");
    expect(judged.every((window) => window.length <= TEXT_WINDOW_CHARS + 400)).toBe(true);
  });

  it("judges an empty text once", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    expect(await llamaGuardEvaluator(model, calls.call).evaluate("", "prompt", signal())).toEqual({ unsafe: [], logId: "log-1" });
  });

  it("is unavailable when the provider fails, naming the status and keeping the call's log row", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    fake.failWith = 503;
    const failure = llamaGuardEvaluator(model, calls.call).evaluate("hello", "prompt", signal());
    await expect(failure).rejects.toBeInstanceOf(EvaluatorUnavailableError);
    await expect(failure).rejects.toMatchObject({ message: `the evaluator ${model} answered 503: fake Llama Guard failure (503)`, logId: "log-1" });
  });

  it("is unavailable when the answer is not Llama Guard's format", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    await expect(llamaGuardEvaluator("groq/fake-malformed", calls.call).evaluate("hello", "prompt", signal())).rejects.toMatchObject({
      name: "EvaluatorUnavailableError",
      message: expect.stringMatching(/did not answer "safe" or "unsafe"/),
    });
    fake.answer = "unsafe";
    await expect(llamaGuardEvaluator(model, calls.call).evaluate("hello", "prompt", signal())).rejects.toBeInstanceOf(EvaluatorUnavailableError);
  });

  it("is unavailable when the call itself fails", async () => {
    const calls = directEvaluatorCalls({});
    await expect(llamaGuardEvaluator(model, calls.call).evaluate("hello", "prompt", signal())).rejects.toMatchObject({
      name: "EvaluatorUnavailableError",
      message: `the evaluator ${model} could not be called: no upstream for compat/chat/completions`,
    });
  });

  it("stops every window's call when one fails", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    const text = "a".repeat(TEXT_WINDOW_CHARS * 10);
    fake.answer = "unreadable";
    await expect(llamaGuardEvaluator(model, calls.call).evaluate(text, "prompt", signal())).rejects.toBeInstanceOf(EvaluatorUnavailableError);
    // The first windows were in flight together; no later window was started after one failed.
    expect(calls.made).toHaveLength(EVALUATION_CONCURRENCY);
  });

  it("rejects with the abort's reason when the request goes away", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    fake.delayMs = 10_000;
    const controller = new AbortController();
    const pending = llamaGuardEvaluator(model, calls.call).evaluate("hello", "prompt", controller.signal);
    await fake.waitForRequest((r) => r.judged?.text === "hello" && r.verdict === undefined);
    const reason = new Error("client went away");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("is what evaluatorFor makes of a llama-guard setting", async () => {
    const calls = directEvaluatorCalls({ chatBaseUrl: fake.baseUrl });
    const evaluator = evaluatorFor({ kind: "llama-guard", model: "workers-ai/@cf/meta/llama-guard-3-8b" }, calls.call);
    expect(await evaluator.evaluate("I want to hurt myself", "prompt", signal())).toEqual({ unsafe: ["S11"], logId: "log-1" });
    expect(calls.made[0]?.body.model).toBe("workers-ai/@cf/meta/llama-guard-3-8b");
  });
});
