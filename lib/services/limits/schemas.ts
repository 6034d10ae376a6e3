import { z } from "zod";
import { type RateLimitKey, type RateLimitSetting } from "@/lib/limits/settings";
import { count } from "../gateways/settings";

/** A month: the longest window a counter is kept for (and Cloudflare's longest cache TTL). */
export const MAX_WINDOW_SECONDS = 30 * 86_400;
/** Per gateway and per token, as Cloudflare caps spend-limit rules: every rule is checked on every request. */
export const MAX_RATE_LIMIT_RULES = 20;
const FILTER_VALUES_MAX = 50;
const METADATA_KEY_MAX_LENGTH = 128;

/** Names the rule in errors, counters and the 2003/2045 messages. */
export const ruleIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9_-]{1,64}$/, "use 1–64 lowercase letters, digits, - and _");

const metadataKeyProblem = (key: string): string | undefined => {
  if (key.trim() === "" || key !== key.trim()) return "a metadata key must not be empty or start or end with spaces";
  if (key.length > METADATA_KEY_MAX_LENGTH) return `metadata key "${key.slice(0, 20)}…" is longer than ${METADATA_KEY_MAX_LENGTH} characters`;
  if (key.startsWith("cf.")) return `metadata key "${key}" starts with "cf.", which is reserved for the gateway's own keys`;
  return undefined;
};

const rateLimitKeySchema = z.string().superRefine((key, context) => {
  if (key === "token" || key === "model" || key === "provider") return;
  if (!key.startsWith("metadata.")) {
    context.addIssue({ code: "custom", message: 'must be "token", "model", "provider" or "metadata.<key>"' });
    return;
  }
  const problem = metadataKeyProblem(key.slice("metadata.".length));
  if (problem) context.addIssue({ code: "custom", message: problem });
}) as unknown as z.ZodType<RateLimitKey>;

const technique = z.enum(["fixed", "sliding"], "must be fixed or sliding");

/** One rate-limit rule of a gateway or a token; `technique` and `counts` default as Cloudflare's limit does. */
export const rateLimitSettingSchema = z.object({
  id: ruleIdSchema,
  limit: count(1),
  window: count(1, MAX_WINDOW_SECONDS),
  technique: technique.default("fixed"),
  counts: z.enum(["requests", "tokens"], "must be requests or tokens").default("requests"),
  key: rateLimitKeySchema.optional(),
}) satisfies z.ZodType<RateLimitSetting, unknown>;

export type RateLimitSettingInput = z.input<typeof rateLimitSettingSchema>;

const dimensionSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("partition") }),
    z.object({
      mode: z.literal("filter"),
      values: z
        .array(z.string().trim().min(1, "must not be empty"))
        .min(1, "a filter needs at least one value")
        .max(FILTER_VALUES_MAX, `at most ${FILTER_VALUES_MAX} values`),
    }),
  ],
  'mode must be "partition" or "filter"',
);

/** A spending limit in USD, from a micro-dollar (what the counters count) to a billion. */
export const usdLimitSchema = z
  .number("must be a number of USD")
  .refine((usd) => Number.isFinite(usd) && usd >= 0.000001 && usd <= 1_000_000_000, "must be from 0.000001 to 1000000000 USD");

/** Cloudflare's rule, as its API spells it; `technique` defaults to sliding, as Cloudflare's does. */
export const spendLimitRuleSchema = z.object({
  id: ruleIdSchema,
  enabled: z.boolean().default(true),
  limitType: z.literal("cost", 'must be "cost"').default("cost"),
  limit: usdLimitSchema,
  window: count(1, MAX_WINDOW_SECONDS),
  technique: technique.default("sliding"),
  metadata: z
    .record(z.string(), dimensionSchema)
    .superRefine((metadata, context) => {
      for (const key of Object.keys(metadata)) {
        const problem = metadataKeyProblem(key);
        if (problem) context.addIssue({ code: "custom", message: problem });
      }
    })
    .optional(),
  model: dimensionSchema.optional(),
  provider: dimensionSchema.optional(),
});

export type SpendLimitRuleInput = z.input<typeof spendLimitRuleSchema>;

