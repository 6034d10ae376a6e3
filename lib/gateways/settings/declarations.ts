import { z } from "zod";
import { logManagementStrategyEnum, rateLimitingTechniqueEnum, retryBackoffEnum } from "@/db/schema";
import {
  CACHE_TTL_MAX,
  INT_MAX,
  LOG_MANAGEMENT_MAX,
  LOG_MANAGEMENT_MIN,
  MAX_ATTEMPTS,
  REQUEST_TIMEOUT_MAX,
  RETRY_DELAY_MAX,
} from "./bounds";
import { otelSettingSchema } from "./otel";

/**
 * Every gateway setting, described once: its column (the key, a property of the `gateways`
 * table), its schema, and how the dashboard form and the CLI show it. The service schema, the
 * CLI's flags and the form's fields are all derived from this table. Guardrails and DLP are
 * declared the same way in lib/services/gateways/content-controls.ts, apart because their schemas
 * bring RE2 and the provider catalog, which the browser's form must not load.
 */

/** A whole number in a Postgres `integer`'s range, with one message naming both bounds. */
export const count = (min: number, max = INT_MAX) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int(message).min(min, message).max(max, message);
};

/** As many as `cf-aig-metadata` itself may carry. */
export const CACHE_KEY_METADATA_MAX = 5;
const METADATA_KEY_MAX_LENGTH = 128;

/** The form's and the CLI's "user, tenant" as ["user", "tenant"]: commas separate keys, so no key holds one. */
export function metadataKeyList(text: string): string[] {
  return text
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
}

function cacheKeyMetadataProblem(keys: string[]): string | undefined {
  if (keys.length > CACHE_KEY_METADATA_MAX) {
    return `name at most ${CACHE_KEY_METADATA_MAX} metadata keys (cf-aig-metadata carries at most ${CACHE_KEY_METADATA_MAX} entries), got ${keys.length}`;
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.trim() === "" || key !== key.trim()) return "metadata keys must not be empty or start or end with spaces";
    if (key.length > METADATA_KEY_MAX_LENGTH) return `metadata key "${key.slice(0, 20)}…" is longer than ${METADATA_KEY_MAX_LENGTH} characters`;
    if (key.startsWith("cf.")) return `metadata key "${key}" starts with "cf.", which is reserved for the gateway's own keys`;
    if (seen.has(key)) return `metadata key "${key}" is named twice`;
    seen.add(key);
  }
  return undefined;
}

/**
 * Names of `cf-aig-metadata` keys whose values join the cache key. Problems are reported on the
 * list as a whole, naming the key, so the form shows them under its one field.
 */
const cacheKeyMetadataSchema = z.array(z.string()).superRefine((keys, context) => {
  const problem = cacheKeyMetadataProblem(keys);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/** How the CLI takes a setting. */
export type CliFlag = { flag: string; help: string } & (
  /** `--{flag}` and `--no-{flag}`. */
  | { kind: "switch"; offHelp: string }
  /** A whole number; `offHelp` given: `--no-{flag}` clears the setting. */
  | { kind: "integer"; value: string; offHelp?: string }
  | { kind: "choice"; value: string; choices: readonly string[]; offHelp?: string }
  /** A comma-separated list; `--no-{flag}` empties it. */
  | { kind: "list"; value: string; offHelp: string }
  /** A JSON file, or `none` for null. */
  | { kind: "json" }
);

/** How the dashboard's settings form shows a setting. */
export type FormControl = { label: string; hint?: string } & (
  | { kind: "switch" }
  /** Empty is null for a nullable setting, "unchanged" otherwise. */
  | { kind: "number"; min?: number; max?: number; placeholder?: string }
  /** A comma-separated list. */
  | { kind: "list"; placeholder?: string }
  /** `""` is null for a nullable setting. */
  | { kind: "select"; options: readonly (readonly [value: string, text: string])[] }
  /** JSON text; empty is null. */
  | { kind: "json"; placeholder?: string }
);

export interface SettingDeclaration<Schema extends z.ZodType = z.ZodType> {
  schema: Schema;
  cli: CliFlag;
  /** Absent: a card of its own edits it (guardrails, DLP). */
  form?: FormControl;
}

/** Every setting of this table has a control on the settings form. */
const declare = <Schema extends z.ZodType>(declaration: SettingDeclaration<Schema> & { form: FormControl }) => declaration;

/** Cloudflare's gateway settings (reference §9) and Switchyard's own, with Cloudflare's limits. */
export const GATEWAY_SETTINGS = {
  authentication: declare({
    schema: z.boolean(),
    cli: { kind: "switch", flag: "authentication", help: "require a gateway token (cf-aig-authorization)", offHelp: "accept requests without a gateway token" },
    form: { kind: "switch", label: "Authenticated gateway", hint: "Refuse requests without a valid gateway token (cf-aig-authorization: Bearer sy_…)." },
  }),
  byokOnly: declare({
    schema: z.boolean(),
    cli: { kind: "switch", flag: "byok-only", help: "never use stored provider keys (require keys on requests)", offHelp: "allow stored provider keys" },
    form: {
      kind: "switch",
      label: "Require provider credentials",
      hint: "Never fall back to the operator's keys: requests use the team's stored keys or bring their own, and are refused (400) when there is neither. Requests can ask the same with cf-aig-no-wholesale: true.",
    },
  }),
  collectLogs: declare({
    schema: z.boolean(),
    cli: { kind: "switch", flag: "collect-logs", help: "log requests", offHelp: "do not log requests" },
    form: {
      kind: "switch",
      label: "Collect logs",
      hint: "Store a log row per request with tokens, cost and timing. A request can opt out with cf-aig-collect-log: false.",
    },
  }),
  collectLogPayloads: declare({
    schema: z.boolean(),
    cli: { kind: "switch", flag: "collect-log-payloads", help: "keep request and response bodies in logs", offHelp: "log metadata only" },
    form: { kind: "switch", label: "Collect request and response bodies", hint: "Keep the bodies and headers (credentials redacted) for the log detail page." },
  }),
  /** Cap on stored logs; null keeps them all. */
  logManagement: declare({
    schema: count(LOG_MANAGEMENT_MIN, LOG_MANAGEMENT_MAX).nullable(),
    cli: {
      kind: "integer",
      flag: "log-limit",
      value: "count",
      help: `keep at most this many logs (${LOG_MANAGEMENT_MIN}–${LOG_MANAGEMENT_MAX})`,
      offHelp: "no cap on stored logs",
    },
    form: {
      kind: "number",
      label: "Log limit",
      min: LOG_MANAGEMENT_MIN,
      max: LOG_MANAGEMENT_MAX,
      placeholder: "No limit",
      hint: `${LOG_MANAGEMENT_MIN.toLocaleString("en-US")} to ${LOG_MANAGEMENT_MAX.toLocaleString("en-US")} rows; empty keeps every row.`,
    },
  }),
  logManagementStrategy: declare({
    schema: z.enum(logManagementStrategyEnum.enumValues).nullable(),
    cli: {
      kind: "choice",
      flag: "log-strategy",
      value: "strategy",
      choices: logManagementStrategyEnum.enumValues,
      help: "what to do at the log limit",
      offHelp: "clear the strategy",
    },
    form: {
      kind: "select",
      label: "When the limit is reached",
      options: [
        ["", "—"],
        ["STOP_INSERTING", "Stop logging"],
        ["DELETE_OLDEST", "Delete the oldest logs"],
      ],
    },
  }),
  /** Seconds; 0 turns caching off. */
  cacheTtl: declare({
    schema: count(0, CACHE_TTL_MAX),
    cli: { kind: "integer", flag: "cache-ttl", value: "seconds", help: "cache responses this long (0 = off)" },
    form: {
      kind: "number",
      label: "Cache TTL (seconds)",
      min: 0,
      max: CACHE_TTL_MAX,
      hint: "0 turns caching off; at most 30 days. A request can set its own with cf-aig-cache-ttl or skip the cache with cf-aig-skip-cache.",
    },
  }),
  cacheKeyMetadata: declare({
    schema: cacheKeyMetadataSchema,
    cli: {
      kind: "list",
      flag: "cache-key-metadata",
      value: "keys",
      help: `cf-aig-metadata keys whose values join the cache key, comma-separated (at most ${CACHE_KEY_METADATA_MAX}), e.g. user,tenant`,
      offHelp: "no metadata in the cache key",
    },
    form: {
      kind: "list",
      label: "Metadata keys in the cache key",
      placeholder: "user, tenant",
      hint: `Up to ${CACHE_KEY_METADATA_MAX} cf-aig-metadata keys, comma-separated: requests with different values for them never share a cached answer.`,
    },
  }),
  cacheInvalidateOnUpdate: declare({
    schema: z.boolean(),
    cli: {
      kind: "switch",
      flag: "cache-invalidate-on-update",
      help: "purge the cache when settings change",
      offHelp: "keep the cache when settings change",
    },
    form: { kind: "switch", label: "Invalidate the cache when settings change", hint: "Saving these settings then drops every answer cached for this gateway." },
  }),
  /** Requests per interval; 0 with an interval of 0 turns rate limiting off. */
  rateLimitingLimit: declare({
    schema: count(0),
    cli: { kind: "integer", flag: "rate-limit", value: "requests", help: "requests allowed per interval (0 = off)" },
    form: {
      kind: "number",
      label: "Requests",
      min: 0,
      hint: "For the whole gateway; 0 with an interval of 0 turns it off. Over it: 429 with code 2003.",
    },
  }),
  /** Seconds. */
  rateLimitingInterval: declare({
    schema: count(0),
    cli: { kind: "integer", flag: "rate-limit-interval", value: "seconds", help: "rate-limit interval (0 = off)" },
    form: { kind: "number", label: "Per (seconds)", min: 0 },
  }),
  rateLimitingTechnique: declare({
    schema: z.enum(rateLimitingTechniqueEnum.enumValues),
    cli: { kind: "choice", flag: "rate-limit-technique", value: "technique", choices: rateLimitingTechniqueEnum.enumValues, help: "rate-limit window" },
    form: {
      kind: "select",
      label: "Window",
      hint: "Fixed resets on the clock; sliding also weighs the previous window.",
      options: [
        ["fixed", "Fixed"],
        ["sliding", "Sliding"],
      ],
    },
  }),
  retryMaxAttempts: declare({
    schema: count(1, MAX_ATTEMPTS),
    cli: { kind: "integer", flag: "retry-max-attempts", value: "n", help: `attempts per upstream request (1–${MAX_ATTEMPTS})` },
    form: {
      kind: "number",
      label: "Attempts",
      min: 1,
      max: MAX_ATTEMPTS,
      hint: `1 means no retry; at most ${MAX_ATTEMPTS}. Connection errors, timeouts, 429 and 5xx answers are retried.`,
    },
  }),
  /** Milliseconds. */
  retryDelay: declare({
    schema: count(0, RETRY_DELAY_MAX),
    cli: { kind: "integer", flag: "retry-delay", value: "ms", help: `delay before a retry (0–${RETRY_DELAY_MAX})` },
    form: { kind: "number", label: "Delay (ms)", min: 0, max: RETRY_DELAY_MAX, hint: `Before the first retry; at most ${RETRY_DELAY_MAX}.` },
  }),
  retryBackoff: declare({
    schema: z.enum(retryBackoffEnum.enumValues),
    cli: { kind: "choice", flag: "retry-backoff", value: "backoff", choices: retryBackoffEnum.enumValues, help: "how the retry delay grows" },
    form: {
      kind: "select",
      label: "Backoff",
      options: [
        ["constant", "Constant"],
        ["linear", "Linear"],
        ["exponential", "Exponential"],
      ],
    },
  }),
  /** Milliseconds to the provider's first byte (default for `cf-aig-request-timeout`); null waits as long as the provider takes. */
  requestTimeoutMs: declare({
    schema: count(1, REQUEST_TIMEOUT_MAX).nullable(),
    cli: {
      kind: "integer",
      flag: "request-timeout",
      value: "ms",
      help: "milliseconds to the provider's first byte before giving up (default for cf-aig-request-timeout)",
      offHelp: "wait as long as the provider takes",
    },
    form: {
      kind: "number",
      label: "Request timeout (ms)",
      min: 1,
      placeholder: "No timeout",
      hint: "Time to the provider's first byte; empty waits as long as it takes. A request can set its own with cf-aig-request-timeout.",
    },
  }),
  /** Cloudflare's `otel`: OTLP collectors that get a span per request (lib/otel). */
  otel: declare({
    schema: otelSettingSchema,
    cli: {
      kind: "json",
      flag: "otel",
      help: 'OTLP collectors as JSON, e.g. [{"url":"https://collector.example/v1/traces","content_type":"protobuf"}]; none stops the export',
    },
    form: {
      kind: "json",
      label: "OpenTelemetry collectors",
      placeholder: '[{ "url": "https://collector.example/v1/traces", "authorization": "Bearer …", "content_type": "json" }]',
      hint: "A span per request (model, provider, tokens, cost, cache, status, metadata) to each OTLP/HTTP collector, as JSON or protobuf. Requests can join a trace with cf-aig-otel-trace-id and cf-aig-otel-parent-span-id. Empty exports nothing.",
    },
  }),
} satisfies Record<string, SettingDeclaration>;

export type GatewaySettingName = keyof typeof GATEWAY_SETTINGS;

type Shape<Declarations extends Record<string, SettingDeclaration>> = { [Name in keyof Declarations]: Declarations[Name]["schema"] };

/** The zod shape of a table of declarations. */
export function settingsShape<Declarations extends Record<string, SettingDeclaration>>(declarations: Declarations): Shape<Declarations> {
  return Object.fromEntries(Object.entries(declarations).map(([name, declaration]) => [name, declaration.schema])) as Shape<Declarations>;
}
