import { z } from "zod";
import { isCustomProviderSlug, providers, providerSlugOf } from "@/lib/providers";
import {
  GUARDRAIL_CATEGORIES,
  type GuardrailAction,
  type GuardrailCategory,
  type GuardrailCheck,
  type GuardrailEvaluatorSetting,
  type GuardrailOutcome,
  type GuardrailSettings,
} from "./types";
import type { EvaluatorUnavailableError, GuardrailVerdict } from "./evaluator";
import { LLAMA_GUARD_CATEGORIES } from "./llama-guard";
import { OPENAI_MODERATION_CATEGORIES } from "./openai-moderation";

/** What Cloudflare runs (reference §8.1), so a gateway's Cloudflare-shaped `guardrails` works unchanged. */
export const DEFAULT_GUARDRAIL_EVALUATOR: GuardrailEvaluatorSetting = { kind: "llama-guard", model: "workers-ai/@cf/meta/llama-guard-3-8b" };

const CATEGORY_SET: ReadonlySet<string> = new Set(GUARDRAIL_CATEGORIES);

/** Why a key is not a category, naming the nearest thing the writer may have meant. */
function unknownCategoryMessage(key: string): string {
  if (key === "S14") return 'unknown category "S14": Llama Guard 3\'s Code Interpreter Abuse has no Cloudflare category; use S1–S13 or P1';
  return `unknown category "${key}": use S1–S13 or P1`;
}

const actionSchema = z.enum(["FLAG", "BLOCK"], "must be FLAG or BLOCK");

/**
 * One check's rules, `{ S1: "BLOCK", S10: "FLAG" }`. Each problem's path names the category, so the
 * message reads `prompt.S99: unknown category…` or `response.S1: must be FLAG or BLOCK`.
 */
const rulesSchema = z
  .record(z.string(), actionSchema)
  .superRefine((rules, context) => {
    for (const key of Object.keys(rules)) {
      if (!CATEGORY_SET.has(key)) context.addIssue({ code: "custom", path: [key], message: unknownCategoryMessage(key) });
    }
  }) as unknown as z.ZodType<Partial<Record<GuardrailCategory, GuardrailAction>>>;

/** `{provider}/{model}` where the provider has a chat endpoint: the catalog's (not passthrough-only) or a custom one. */
const chatModelSchema = z
  .string("must be a model name, as {provider}/{model}")
  .trim()
  .superRefine((model, context) => {
    const slash = model.indexOf("/");
    if (slash <= 0 || slash === model.length - 1) {
      context.addIssue({ code: "custom", message: `"${model}" is not {provider}/{model} (for example workers-ai/@cf/meta/llama-guard-3-8b)` });
      return;
    }
    const prefix = model.slice(0, slash);
    const slug = providerSlugOf(prefix);
    if (isCustomProviderSlug(slug)) return;
    const spec = providers.get(slug);
    if (!spec) context.addIssue({ code: "custom", message: `unknown provider "${prefix}" in "${model}"` });
    else if (spec.passthroughOnly) context.addIssue({ code: "custom", message: `provider "${prefix}" has no chat endpoint to run an evaluator on` });
  });

/** Messages for an object's own problems: not an object, or a field it does not have (a misspelt field would otherwise be dropped, and its rules silently never apply). */
function objectError(fields: string) {
  return (issue: { code?: string; keys?: string[] }) => {
    if (issue.code === "unrecognized_keys") return `unknown field ${(issue.keys ?? []).map((key) => `"${key}"`).join(", ")}: use ${fields}`;
    if (issue.code === "invalid_type") return `must be an object with ${fields}`;
    return undefined;
  };
}

const evaluatorSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("llama-guard"), model: chatModelSchema }, { error: objectError("kind and model") }),
    z.strictObject({ kind: z.literal("openai-moderation"), model: z.string().trim().min(1, "must not be empty").optional() }, { error: objectError("kind and model") }),
  ],
  'must be { kind: "llama-guard", model } or { kind: "openai-moderation", model? }',
);

/**
 * A gateway's `guardrails` setting as the API, the dashboard and the CLI accept it: Cloudflare's
 * `{ prompt: { S1: "BLOCK", … }, response: { … } }` (either map may be left out) plus `evaluator`,
 * which defaults to Cloudflare's own Llama Guard 3 on Workers AI. Problems name the field:
 * `prompt.S99`, `response.S1`, `evaluator.model`, `evaluator.kind`.
 */
export const guardrailSettingsSchema = z.strictObject(
  {
    prompt: rulesSchema.default({}),
    response: rulesSchema.default({}),
    evaluator: evaluatorSchema.default(DEFAULT_GUARDRAIL_EVALUATOR),
  },
  { error: objectError("prompt, response and evaluator") },
) satisfies z.ZodType<GuardrailSettings, unknown>;

/** The rules of one check (`prompt` or `response`); empty when none is set, and then nothing needs evaluating. */
export function rulesFor(settings: GuardrailSettings, check: GuardrailCheck): Partial<Record<GuardrailCategory, GuardrailAction>> {
  return settings[check];
}

/** True when the check has any rule: only then is the evaluator called for it. */
export function checkApplies(settings: GuardrailSettings, check: GuardrailCheck): boolean {
  return Object.keys(rulesFor(settings, check)).length > 0;
}

/**
 * True when a BLOCK rule applies to the check: an evaluator that cannot answer then fails the
 * request with 503/7013; with FLAG rules alone the request continues (reference §8.1).
 */
export function blockApplies(settings: GuardrailSettings, check: GuardrailCheck): boolean {
  return Object.values(rulesFor(settings, check)).includes("BLOCK");
}

/** Of the categories an evaluator found, those a rule of the check names, in the order found. */
export function ruledCategories(settings: GuardrailSettings, check: GuardrailCheck, found: readonly GuardrailCategory[]): GuardrailCategory[] {
  const rules = rulesFor(settings, check);
  return found.filter((category) => rules[category] !== undefined);
}

/** What the rules make of the categories found: BLOCK if any is a BLOCK rule's, else FLAG if any is ruled, else NONE. */
export function actionFor(settings: GuardrailSettings, check: GuardrailCheck, found: readonly GuardrailCategory[]): "NONE" | GuardrailAction {
  const rules = rulesFor(settings, check);
  let action: "NONE" | GuardrailAction = "NONE";
  for (const category of found) {
    const rule = rules[category];
    if (rule === "BLOCK") return "BLOCK";
    if (rule === "FLAG") action = "FLAG";
  }
  return action;
}

/** A verdict as the log keeps it: the ruled categories, the action, the evaluation's own log row. */
export function outcomeFor(settings: GuardrailSettings, check: GuardrailCheck, verdict: GuardrailVerdict, throughChar?: number): GuardrailOutcome {
  return {
    check,
    categories: ruledCategories(settings, check, verdict.unsafe),
    action: actionFor(settings, check, verdict.unsafe),
    evaluationLogId: verdict.logId,
    ...(throughChar === undefined ? {} : { throughChar }),
  };
}

/** An evaluation that had no verdict, as the log keeps it: why, and the call's log row when it got one. */
export function failedOutcome(check: GuardrailCheck, error: EvaluatorUnavailableError, throughChar?: number): GuardrailOutcome {
  return {
    check,
    categories: [],
    action: "NONE",
    error: error.message,
    ...(error.logId === undefined ? {} : { evaluationLogId: error.logId }),
    ...(throughChar === undefined ? {} : { throughChar }),
  };
}

/**
 * Categories an evaluator can report. Neither adapter judges prompt injection (P1: Cloudflare runs a
 * separate Prompt Guard model for it), and OpenAI's moderation has nothing for S3, S5–S8 or S13:
 * a rule on a category outside this list never fires, which the settings page should say.
 */
export function judgedCategories(evaluator: GuardrailEvaluatorSetting): readonly GuardrailCategory[] {
  return evaluator.kind === "llama-guard" ? LLAMA_GUARD_JUDGES : OPENAI_MODERATION_JUDGES;
}

/** The settings' ruled categories (either check) that their evaluator never reports. */
export function unjudgedRules(settings: GuardrailSettings): GuardrailCategory[] {
  const judged = new Set(judgedCategories(settings.evaluator));
  const ruled = new Set([...Object.keys(settings.prompt), ...Object.keys(settings.response)] as GuardrailCategory[]);
  return GUARDRAIL_CATEGORIES.filter((category) => ruled.has(category) && !judged.has(category));
}

const LLAMA_GUARD_JUDGES: readonly GuardrailCategory[] = judged(Object.values(LLAMA_GUARD_CATEGORIES));
const OPENAI_MODERATION_JUDGES: readonly GuardrailCategory[] = judged(Object.values(OPENAI_MODERATION_CATEGORIES).flat());

/** The categories among `reported`, in Cloudflare's order. */
function judged(reported: ReadonlyArray<GuardrailCategory | undefined>): GuardrailCategory[] {
  return GUARDRAIL_CATEGORIES.filter((category) => reported.includes(category));
}
