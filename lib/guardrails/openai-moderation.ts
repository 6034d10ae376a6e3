import { isJsonObject } from "@/lib/formats/json";
import { callEvaluator } from "./call-evaluator";
import { EvaluatorUnavailableError, type CallThroughGateway, type GuardrailEvaluator } from "./evaluator";
import { textWindows } from "./response-windows";
import type { GuardrailCategory } from "./types";

export const DEFAULT_MODERATION_MODEL = "omni-moderation-latest";

/**
 * OpenAI's moderation categories → Cloudflare's (Llama Guard's S1–S13). OpenAI's are fewer and
 * cut differently, so some are judgement calls:
 *
 * | OpenAI                                                | Cloudflare | why |
 * | ----------------------------------------------------- | ---------- | --- |
 * | harassment                                            | S10        | demeaning people: the nearest of S1–S13 is Hate |
 * | harassment/threatening                                | S10, S1    | and a threat of violence |
 * | hate                                                  | S10        | Hate |
 * | hate/threatening                                      | S10, S1    | and a threat of violence |
 * | illicit                                               | S2         | advice for wrongdoing: Non-Violent Crimes |
 * | illicit/violent                                       | S1, S9     | violent wrongdoing, and weapons: OpenAI has no separate category for weapons of mass destruction, so a team's S9 rule fires on any weapons advice rather than never |
 * | self-harm, self-harm/intent, self-harm/instructions   | S11        | Suicide & Self-Harm |
 * | sexual                                                | S12        | Sexual Content |
 * | sexual/minors                                         | S4         | Child Sexual Exploitation |
 * | violence, violence/graphic                            | S1         | Violent Crimes |
 *
 * Nothing of OpenAI's stands for S3 (Sex-Related Crimes), S5 (Defamation), S6 (Specialized
 * Advice), S7 (Privacy), S8 (Intellectual Property), S13 (Elections) or P1 (prompt injection):
 * this adapter never reports them. Categories OpenAI adds later are ignored until mapped here.
 */
export const OPENAI_MODERATION_CATEGORIES: Readonly<Record<string, readonly GuardrailCategory[]>> = {
  harassment: ["S10"],
  "harassment/threatening": ["S10", "S1"],
  hate: ["S10"],
  "hate/threatening": ["S10", "S1"],
  illicit: ["S2"],
  "illicit/violent": ["S1", "S9"],
  "self-harm": ["S11"],
  "self-harm/intent": ["S11"],
  "self-harm/instructions": ["S11"],
  sexual: ["S12"],
  "sexual/minors": ["S4"],
  violence: ["S1"],
  "violence/graphic": ["S1"],
};

/**
 * OpenAI's moderation endpoint (`model`, else `omni-moderation-latest`), reached through the
 * gateway's OpenAI passthrough (`openai/moderations`) with the team's OpenAI key. Text longer than
 * a window goes as an array of windows in the one call; a category is found when OpenAI flags it
 * (its own thresholds) in any window. It judges text alone, so a response check sends no prompt.
 * A non-2xx answer, or one without a result per input, is `EvaluatorUnavailableError`.
 */
export function openAiModerationEvaluator(model: string | undefined, call: CallThroughGateway): GuardrailEvaluator {
  const name = model ?? DEFAULT_MODERATION_MODEL;
  return {
    async evaluate(text, _check, signal) {
      const windows = textWindows(text).map((window) => window.text);
      const input = windows.length > 1 ? windows : text;
      const result = await callEvaluator(call, { path: "openai/moderations", body: { model: name, input } }, signal, name);
      const flagged = flaggedCategories(result.json, windows.length > 1 ? windows.length : 1);
      if (flagged === undefined) throw new EvaluatorUnavailableError(`the evaluator ${name} answered without a result per input`, result.logId);
      return { unsafe: [...new Set(flagged.flatMap((category) => OPENAI_MODERATION_CATEGORIES[category] ?? []))], logId: result.logId };
    },
  };
}

/** The OpenAI categories flagged in any result; undefined unless there are `inputs` results, each with its categories. */
function flaggedCategories(json: unknown, inputs: number): string[] | undefined {
  if (!isJsonObject(json) || !Array.isArray(json.results) || json.results.length !== inputs) return undefined;
  const flagged: string[] = [];
  for (const result of json.results as unknown[]) {
    if (!isJsonObject(result) || !isJsonObject(result.categories)) return undefined;
    for (const [category, value] of Object.entries(result.categories)) if (value === true) flagged.push(category);
  }
  return flagged;
}
