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
  /** Rejects with `EvaluatorUnavailableError` when no verdict could be had. */
  evaluate(text: string, check: GuardrailCheck, signal: AbortSignal): Promise<GuardrailVerdict>;
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
