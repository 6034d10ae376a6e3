import type { CallThroughGateway, GuardrailEvaluator } from "./evaluator";
import { llamaGuardEvaluator } from "./llama-guard";
import { openAiModerationEvaluator } from "./openai-moderation";
import type { GuardrailEvaluatorSetting } from "./types";

/**
 * The evaluator a gateway's setting names, making its calls through `call` (the request's own
 * CallThroughGateway: the team's gateway and keys, each evaluation logged and linked to the request).
 */
export function evaluatorFor(setting: GuardrailEvaluatorSetting, call: CallThroughGateway): GuardrailEvaluator {
  switch (setting.kind) {
    case "llama-guard":
      return llamaGuardEvaluator(setting.model, call);
    case "openai-moderation":
      return openAiModerationEvaluator(setting.model, call);
  }
}
