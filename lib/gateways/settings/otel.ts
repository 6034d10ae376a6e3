import { z } from "zod";

/** Collectors per gateway: each is its own exporter and queue. */
const OTEL_COLLECTORS_MAX = 5;
const OTEL_HEADERS_MAX = 20;
const OTEL_VALUE_MAX = 4096;

/** One OTLP/HTTP collector, in Cloudflare's shape of the `otel` gateway field. */
export interface OtelCollector {
  /** The OTLP traces endpoint, e.g. https://collector.example/v1/traces. */
  url: string;
  /** Sent as the Authorization header; Cloudflare names a Secrets Store entry here, we keep the value. */
  authorization?: string;
  headers?: Record<string, string>;
  content_type: "json" | "protobuf";
}

/** What the form and `gateway show` print in place of a stored credential; saved back, it keeps the stored one. */
export const STORED_SECRET = "[stored]";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerValue = z
  .string()
  .max(OTEL_VALUE_MAX, `must be at most ${OTEL_VALUE_MAX} characters`)
  .refine((value) => !/[\r\n\0]/.test(value), "must not contain line breaks");

const collectorSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
      } catch {
        return false;
      }
    }, "must be an http:// or https:// URL of the collector's traces endpoint, e.g. https://collector.example/v1/traces, without credentials in it"),
  authorization: headerValue.min(1, "must not be empty").optional(),
  headers: z
    .record(z.string(), headerValue)
    .superRefine((headers, context) => {
      const names = Object.keys(headers);
      if (names.length > OTEL_HEADERS_MAX) context.addIssue({ code: "custom", message: `at most ${OTEL_HEADERS_MAX} headers, got ${names.length}` });
      for (const name of names) {
        if (!HEADER_NAME.test(name)) {
          context.addIssue({ code: "custom", path: [name], message: "header names are letters, digits and - _ . ! # $ % & ' * + ^ ` | ~" });
        }
      }
    })
    .optional(),
  content_type: z.enum(["json", "protobuf"], { error: "must be json or protobuf" }).default("json"),
});

/** Cloudflare's `otel`: where to export a span per request; null (or an empty list) exports nothing. */
export const otelSettingSchema = z
  .array(collectorSchema)
  .max(OTEL_COLLECTORS_MAX, `name at most ${OTEL_COLLECTORS_MAX} collectors`)
  .nullable()
  .transform((collectors): OtelCollector[] | null => (collectors && collectors.length > 0 ? collectors : null));

/** The setting as it may be shown: the authorization and header values (collector API keys) replaced. */
export function maskedOtel(collectors: readonly OtelCollector[] | null): OtelCollector[] | null {
  if (!collectors) return null;
  return collectors.map((collector) => ({
    ...collector,
    ...(collector.authorization === undefined ? {} : { authorization: STORED_SECRET }),
    ...(collector.headers ? { headers: Object.fromEntries(Object.keys(collector.headers).map((name) => [name, STORED_SECRET])) } : {}),
  }));
}

/**
 * A saved setting whose values are still the mask gets the stored ones back, from the stored
 * collector with the same URL: the form and the CLI can round-trip a setting they were shown.
 */
export function withStoredSecrets(next: OtelCollector[] | null, stored: readonly OtelCollector[] | null): OtelCollector[] | null {
  if (!next) return next;
  return next.map((collector) => {
    const previous = stored?.find((candidate) => candidate.url === collector.url);
    const authorization = collector.authorization === STORED_SECRET ? previous?.authorization : collector.authorization;
    const headers = collector.headers
      ? Object.fromEntries(
          Object.entries(collector.headers).flatMap(([name, value]) => {
            const kept = value === STORED_SECRET ? previous?.headers?.[name] : value;
            return kept === undefined ? [] : [[name, kept]];
          }),
        )
      : undefined;
    const { authorization: _authorization, headers: _headers, ...rest } = collector;
    return { ...rest, ...(authorization === undefined ? {} : { authorization }), ...(headers ? { headers } : {}) };
  });
}
