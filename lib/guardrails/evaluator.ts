import type { JsonObject } from "@/lib/formats/json";
import type { GuardrailCategory, GuardrailCheck } from "./types";

/**
 * A call the gateway makes to itself for the request it is serving: the same team, gateway and
 * keys, served by the surface `path` names (`compat/chat/completions`, `openai/moderations`), logged
 * as its own row linked to the request (`parent_request_id`), with no guardrails of its own.
 */
export type CallThroughGateway = (call: { path: string; body: JsonObject }, signal: AbortSignal) => Promise<GatewayCallResult>;

export interface GatewayCallResult {
  status: number;
  /** The answer's body, parsed; undefined when it was not JSON. */
  json: unknown;
  /** The call's own log row. */
  logId: string;
}

/** What an evaluator found unsafe in one text; an empty list is safe. */
export interface GuardrailVerdict {
  unsafe: GuardrailCategory[];
  logId: string;
}

export interface GuardrailEvaluator {
  /**
   * Judges `text`: the prompt, or (check "response") the response or a window of it. Long text is
   * cut into windows here (evaluated, categories united). `prompt`, for a response check, is the
   * client's prompt text: Llama Guard judges an assistant turn after the user turn it answers.
   * Rejects with `EvaluatorUnavailableError` when no verdict could be had (and with the signal's
   * reason when it aborts).
   */
  evaluate(text: string, check: GuardrailCheck, signal: AbortSignal, prompt?: string): Promise<GuardrailVerdict>;
}

/** The evaluator could not answer (no key, the provider failed, an answer it could not read). */
export class EvaluatorUnavailableError extends Error {
  constructor(
    message: string,
    readonly logId?: string,
  ) {
    super(message);
    this.name = "EvaluatorUnavailableError";
  }
}
