import { isJsonObject } from "@/lib/formats/json";
import { callEvaluator } from "./call-evaluator";
import { EvaluatorUnavailableError, type CallThroughGateway, type GuardrailEvaluator, type GuardrailVerdict } from "./evaluator";
import { textWindows, type TextWindow } from "./response-windows";
import type { GuardrailCategory, GuardrailCheck } from "./types";

/**
 * Llama Guard 3's hazard codes (Meta's model card; Llama Guard 4 keeps them) → Cloudflare's
 * categories. S1–S13 are the same taxonomy (MLCommons), so they map to themselves. S14, Code
 * Interpreter Abuse, has no Cloudflare category: it is read (a verdict naming it is well formed)
 * and dropped. Llama Guard does not judge prompt injection, so this adapter never reports P1
 * (Cloudflare runs a separate Prompt Guard model for it).
 */
export const LLAMA_GUARD_CATEGORIES: Readonly<Record<string, GuardrailCategory | undefined>> = {
  S1: "S1",
  S2: "S2",
  S3: "S3",
  S4: "S4",
  S5: "S5",
  S6: "S6",
  S7: "S7",
  S8: "S8",
  S9: "S9",
  S10: "S10",
  S11: "S11",
  S12: "S12",
  S13: "S13",
  S14: undefined,
};

/** How much of the prompt goes with a response window as its user turn: the end of it, which the answer follows. */
export const PROMPT_CONTEXT_CHARS = 2_000;
/** Windows of one long text evaluated at once: a long prompt must not become a burst of calls on the team's key. */
export const EVALUATION_CONCURRENCY = 4;

/**
 * A Llama Guard-style model behind any provider the compat endpoint reaches (`groq/llama-guard-4-12b`,
 * `workers-ai/@cf/meta/llama-guard-3-8b`, a custom provider's), called through the team's gateway.
 *
 * The provider applies the model's chat template, so the conversation goes as plain messages: a
 * prompt as the user turn; a response as the assistant turn after the prompt's user turn. The model
 * answers `safe`, or `unsafe` and on the next line the codes, comma-separated (`unsafe\nS1,S10`);
 * anything else is `EvaluatorUnavailableError`. Text longer than a window is evaluated window by
 * window (`textWindows`) and the categories united; the verdict's log row is the first unsafe
 * window's, else the first window's.
 */
export function llamaGuardEvaluator(model: string, call: CallThroughGateway): GuardrailEvaluator {
  return {
    async evaluate(text, check, signal, prompt) {
      const windows = textWindows(text);
      // An empty text is still judged once, so every evaluation has its log row.
      const verdicts = await evaluateAll(windows.length ? windows : [{ text, throughChar: 0 }], signal, (window, windowSignal) =>
        judge(model, call, window.text, check, prompt, windowSignal),
      );
      const unsafe = new Set(verdicts.flatMap((v) => v.unsafe));
      const telling = verdicts.find((v) => v.unsafe.length > 0) ?? verdicts[0]!;
      return { unsafe: [...unsafe], logId: telling.logId };
    },
  };
}

async function judge(model: string, call: CallThroughGateway, text: string, check: GuardrailCheck, prompt: string | undefined, signal: AbortSignal): Promise<GuardrailVerdict> {
  const messages =
    check === "prompt"
      ? [{ role: "user", content: text }]
      : [
          { role: "user", content: (prompt ?? "").slice(-PROMPT_CONTEXT_CHARS) },
          { role: "assistant", content: text },
        ];
  // A verdict is a few tokens; temperature 0 keeps it to the format the model was trained on.
  const result = await callEvaluator(call, { path: "compat/chat/completions", body: { model, messages, temperature: 0, max_tokens: 64 } }, signal, model);
  const content = chatContent(result.json);
  if (content === undefined) throw new EvaluatorUnavailableError(`the evaluator ${model} answered without a message`, result.logId);
  const unsafe = parseLlamaGuardVerdict(content);
  if (unsafe === undefined) throw new EvaluatorUnavailableError(`the evaluator ${model} did not answer "safe" or "unsafe" with categories: ${JSON.stringify(content.slice(0, 100))}`, result.logId);
  return { unsafe, logId: result.logId };
}

/**
 * Llama Guard's answer → the Cloudflare categories it names; undefined when it is not the format.
 * Surrounding whitespace is allowed (Llama Guard 3 often starts its answer with blank lines).
 */
export function parseLlamaGuardVerdict(content: string): GuardrailCategory[] | undefined {
  const lines = content.trim().split(/\r?\n/).map((line) => line.trim());
  if (lines.length === 1 && lines[0] === "safe") return [];
  if (lines.length !== 2 || lines[0] !== "unsafe") return undefined;
  const codes = lines[1]!.split(",").map((code) => code.trim());
  if (!codes.every((code) => Object.hasOwn(LLAMA_GUARD_CATEGORIES, code))) return undefined;
  return [...new Set(codes.flatMap((code) => LLAMA_GUARD_CATEGORIES[code] ?? []))];
}

function chatContent(json: unknown): string | undefined {
  if (!isJsonObject(json) || !Array.isArray(json.choices)) return undefined;
  const [choice] = json.choices as unknown[];
  if (!isJsonObject(choice) || !isJsonObject(choice.message)) return undefined;
  return typeof choice.message.content === "string" ? choice.message.content : undefined;
}

/**
 * Runs `evaluateOne` over every window, `EVALUATION_CONCURRENCY` at a time, in window order.
 * The first failure aborts the calls still running and rejects with it.
 */
async function evaluateAll(windows: readonly TextWindow[], signal: AbortSignal, evaluateOne: (window: TextWindow, signal: AbortSignal) => Promise<GuardrailVerdict>): Promise<GuardrailVerdict[]> {
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const verdicts: GuardrailVerdict[] = [];
  let next = 0;
  const worker = async () => {
    while (next < windows.length && !both.aborted) {
      const index = next++;
      verdicts[index] = await evaluateOne(windows[index]!, both);
    }
  };
  const workers = Array.from({ length: Math.min(EVALUATION_CONCURRENCY, windows.length) }, () => worker().catch((err: unknown) => stop.abort(err)));
  await Promise.all(workers);
  if (signal.aborted) throw signal.reason;
  // The first failure, not the aborts it caused in the other windows' calls.
  if (stop.signal.aborted) throw stop.signal.reason;
  return verdicts;
}
