import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { costMicros, maxOutputTokens, type CustomCost } from "@/lib/pricing/cost";

/**
 * The output cap reserved for when neither the request nor the catalog names one: 16,384 tokens,
 * the most OpenAI's GPT-4o family (the catalog's models without a `maxOutput`) give one answer.
 * A larger answer is still charged in full at settlement; only the overshoot allowed to requests
 * running at once grows with it.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;

/**
 * About four bytes of a body per token (OpenAI's rule of thumb for English). Counted over the
 * whole body, JSON framing and all, it stays above the prompt's real count for most text; an
 * inline image or file counts by its bytes, far above what it is billed, which only reserves more.
 */
const BYTES_PER_TOKEN = 4;

/** What a request may cost at most, as admission knows it before the call. */
export interface WorstCaseInput {
  provider: string;
  /** As the request named it, without the provider; null when it named none. */
  model: string | null;
  /** The body as the client sent it. */
  bodyBytes: number;
  /** The body parsed, when it is a JSON object: where the request caps its output. */
  body: JsonObject | undefined;
  customCost: CustomCost | undefined;
}

/**
 * The request's worst case in micro-dollars: its price × (the body's tokens + its output cap).
 * 0 when nothing prices it (an unknown model and no `cf-aig-custom-cost`): such a request is still
 * refused once a budget is spent, and charged what it cost when that is known.
 */
export function worstCaseMicros(input: WorstCaseInput): number {
  if (input.model === null && input.customCost === undefined) return 0;
  const usage = { input: Math.ceil(input.bodyBytes / BYTES_PER_TOKEN), output: outputCap(input), cached: 0 };
  return costMicros(input.provider, input.model ?? "", usage, input.customCost).micros;
}

/** The most output tokens the request allows: its own cap in any format's field, else the catalog's, else the default. */
export function outputCap({ provider, model, body }: Pick<WorstCaseInput, "provider" | "model" | "body">): number {
  const asked = body && requestedOutputCap(body);
  if (asked !== undefined) return asked;
  return (model !== null ? maxOutputTokens(provider, model) : undefined) ?? DEFAULT_MAX_OUTPUT_TOKENS;
}

/**
 * `max_tokens` (OpenAI Chat, Anthropic, Workers AI, Cohere), `max_completion_tokens` (OpenAI's
 * newer name), `max_output_tokens` (Responses), `generationConfig.maxOutputTokens` (Gemini),
 * `inferenceConfig.maxTokens` (Bedrock Converse); the largest when several are sent, since the
 * provider may read any of them.
 */
function requestedOutputCap(body: JsonObject): number | undefined {
  const caps = [
    body.max_tokens,
    body.max_completion_tokens,
    body.max_output_tokens,
    isJsonObject(body.generationConfig) ? body.generationConfig.maxOutputTokens : undefined,
    isJsonObject(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined,
  ].filter((cap): cap is number => typeof cap === "number" && Number.isFinite(cap) && cap >= 0);
  return caps.length === 0 ? undefined : Math.ceil(Math.max(...caps));
}
