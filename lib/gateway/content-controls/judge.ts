import { errorLine } from "@/lib/error-line";
import { EvaluatorUnavailableError } from "@/lib/guardrails/evaluator";
import { blockApplies, failedOutcome, outcomeFor } from "@/lib/guardrails/settings";
import type { GuardrailCheck, GuardrailSettings } from "@/lib/guardrails/types";
import { GatewayError, guardrailsUnavailable, promptBlocked, responseBlocked } from "../errors";
import type { ContentControls } from "./controls";

/**
 * Has `text` judged by the gateway's evaluator and notes the outcome on the exchange. Throws the
 * refusal when a BLOCK rule names what was found (2016, 2017), or when the evaluator could not
 * answer while a BLOCK rule applies (7013); a FLAG-only check lets the request go on either way.
 * An evaluator that fails in any way is unavailable, never a crash of the request.
 */
export async function judge(controls: ContentControls, guardrails: GuardrailSettings, check: GuardrailCheck, text: string, throughChar?: number): Promise<void> {
  const { ctx } = controls;
  const signal = ctx.req.signal;
  try {
    const verdict = await controls.evaluator.evaluate(text, check, signal, check === "response" ? controls.prompt : undefined);
    const outcome = outcomeFor(guardrails, check, verdict, throughChar);
    (ctx.exchange.guardrails ??= []).push(outcome);
    if (outcome.action === "BLOCK") {
      const blocked = outcome.categories.filter((category) => guardrails[check][category] === "BLOCK");
      throw check === "prompt" ? promptBlocked(blocked) : responseBlocked(blocked);
    }
  } catch (error) {
    if (error instanceof GatewayError || signal.aborted) throw error;
    const unavailable = error instanceof EvaluatorUnavailableError ? error : new EvaluatorUnavailableError(`the evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
    if (unavailable !== error) console.error(`switchyard gateway: a guardrail evaluation failed in request ${ctx.exchange.requestId}: ${errorLine(error)}`);
    (ctx.exchange.guardrails ??= []).push(failedOutcome(check, unavailable, throughChar));
    if (blockApplies(guardrails, check)) throw guardrailsUnavailable(unavailable.message);
  }
}
