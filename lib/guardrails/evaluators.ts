import type { CallThroughGateway, GuardrailEvaluator } from "./evaluator";
import { llamaGuardEvaluator } from "./llama-guard";
import { openAiModerationEvaluator } from "./openai-moderation";
import type { GuardrailEvaluatorSetting } from "./types";

/**
 * The evaluator a gateway's setting names, making its calls through `call` (the request's own
 * CallThroughGateway: the team's gateway and keys, each evaluation logged and linked to the request).
 *
 * How the data plane uses lib/guardrails, for a gateway whose `guardrails` (settings.ts) is set:
 * - Prompt: when `checkApplies(settings, "prompt")`, `evaluate(promptText, "prompt", signal)`; keep
 *   `outcomeFor(settings, "prompt", verdict)` and answer 424/2016 when its action is BLOCK.
 * - Response, whole: `evaluate(responseText, "response", signal, promptText)`; BLOCK → 424/2017.
 * - Response, streamed: `new ResponseWindows()`, `push` each text delta and evaluate the windows it
 *   returns (with `promptText`), then `end()`'s window; `outcomeFor(…, window.throughChar)` per
 *   window, and a BLOCK cuts the stream off with a final error event.
 * - `EvaluatorUnavailableError` from any of these: `failedOutcome(check, error)`; 503/7013 when
 *   `blockApplies(settings, check)`, else the request continues (FLAG rules only).
 * Long texts are cut into windows inside `evaluate`, so one call of it may make several evaluator
 * calls (Llama Guard) or one call with several inputs (OpenAI's moderation).
 */
export function evaluatorFor(setting: GuardrailEvaluatorSetting, call: CallThroughGateway): GuardrailEvaluator {
  switch (setting.kind) {
    case "llama-guard":
      return llamaGuardEvaluator(setting.model, call);
    case "openai-moderation":
      return openAiModerationEvaluator(setting.model, call);
  }
}
