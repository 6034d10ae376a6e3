/** Cloudflare's guardrail categories (reference §8.1): Llama Guard's S1–S13 and prompt injection. */
export const GUARDRAIL_CATEGORIES = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13", "P1"] as const;

export type GuardrailCategory = (typeof GUARDRAIL_CATEGORIES)[number];

export type GuardrailAction = "FLAG" | "BLOCK";

/** Which text a rule checks: the client's prompt or the provider's response. */
export type GuardrailCheck = "prompt" | "response";

/** The model that judges the text, called through the team's own gateway with the team's keys. */
export type GuardrailEvaluatorSetting =
  /** A Llama Guard-style chat model on any provider speaking OpenAI's chat format: `groq/llama-guard-4-12b`, `workers-ai/@cf/meta/llama-guard-3-8b`, `custom-x/…`. */
  | { kind: "llama-guard"; model: string }
  /** OpenAI's moderation endpoint (`omni-moderation-latest` when no model is named), its categories mapped onto Cloudflare's. */
  | { kind: "openai-moderation"; model?: string };

/**
 * The gateway's `guardrails` setting: Cloudflare's shape (`prompt` and `response`, each a map of
 * category to FLAG or BLOCK; an omitted category is ignored) plus the evaluator, which Cloudflare
 * fixes and Switchyard lets the team choose.
 */
export interface GuardrailSettings {
  prompt: Partial<Record<GuardrailCategory, GuardrailAction>>;
  response: Partial<Record<GuardrailCategory, GuardrailAction>>;
  evaluator: GuardrailEvaluatorSetting;
}

/** One evaluation of one text (a prompt, or a streamed response's window), as logged with the request. */
export interface GuardrailOutcome {
  check: GuardrailCheck;
  /** Categories the evaluator found that a rule names. */
  categories: GuardrailCategory[];
  /** What the rules made of it: NONE (nothing a rule names), FLAG, or BLOCK. */
  action: "NONE" | GuardrailAction;
  /** The evaluator call's own log row (it goes through the gateway and is logged with `parent_request_id`). */
  evaluationLogId?: string;
  /** For a streamed response: the window's end, in characters of response text. */
  throughChar?: number;
  /** The evaluator failed: why (the request continued when only FLAG rules applied, else 7013). */
  error?: string;
}
