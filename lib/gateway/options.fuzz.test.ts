import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { parseGatewayOptions } from "./options";

const OPTION_HEADERS = [
  "cf-aig-metadata",
  "cf-aig-custom-cost",
  "cf-aig-event-id",
  "cf-aig-collect-log",
  "cf-aig-collect-log-payload",
  "cf-aig-byok-alias",
  "cf-aig-no-wholesale",
  "cf-aig-gateway-id",
  "cf-aig-skip-cache",
  "cf-aig-cache-ttl",
  "cf-aig-request-timeout",
  "cf-aig-max-attempts",
  "cf-aig-retry-delay",
  "cf-aig-backoff",
  "cf-aig-dlp-policies",
  "cf-aig-otel-trace-id",
  "cf-aig-otel-parent-span-id",
] as const;

/** Any value a header can carry: tab, printable ASCII and the latin-1 bytes (no NUL, CR or LF). */
const anyHeaderValue = fc.string({
  unit: fc.oneof(fc.constant("\t"), fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c))).filter((c) => c !== "\x7f"),
  maxLength: 80,
});
const nested = fc.integer({ min: 1, max: 3_000 }).chain((depth) =>
  fc.constantFrom("[", '{"a":').map((open) => open.repeat(depth) + "1" + (open === "[" ? "]" : "}").repeat(depth)),
);
/** Values near the accepted forms, where the parsers branch. */
const likelyValue = fc.oneof(
  anyHeaderValue,
  fc.json({ maxDepth: 3 }),
  nested,
  fc.constantFrom("true", "false", "TRUE", " true ", "1", "0", "-1", "1e3", "1.5", "NaN", "Infinity", "0x10", "", " "),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom("constant", "linear", "exponential", "default", "main", "a_b", "A-1"),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 7 }).map((o) =>
    JSON.stringify(o),
  ),
  fc.record({ per_token_in: fc.double(), per_token_out: fc.double() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
);
const optionHeaders = fc.dictionary(fc.constantFrom(...OPTION_HEADERS), likelyValue, { maxKeys: 6 });

describe("parseGatewayOptions, fuzzed", () => {
  it("returns options or a 400 GatewayError for any headers, and what it accepts keeps its limits", () => {
    fc.assert(
      fc.property(optionHeaders, (raw) => {
        const parsed = parseGatewayOptions(new Headers(raw));
        if (!parsed.ok) {
          expect(parsed.error).toBeInstanceOf(GatewayError);
          expect(parsed.error.httpCode).toBe(400);
          // It names the header to fix.
          expect(OPTION_HEADERS.some((name) => parsed.error.message.includes(name))).toBe(true);
          return;
        }
        const { metadata, eventId, byokAlias, gatewayId, requestTimeoutMs, cacheTtl, maxAttempts, retryDelayMs } = parsed.options;
        if (metadata) {
          expect(Object.keys(metadata).length).toBeLessThanOrEqual(5);
          for (const value of Object.values(metadata)) expect(["string", "number", "boolean"]).toContain(typeof value);
        }
        if (eventId !== undefined) expect(eventId.length).toBeGreaterThan(0);
        if (byokAlias !== undefined) expect(byokAlias).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
        if (gatewayId !== undefined) expect(gatewayId).toMatch(/^[a-z0-9-]{1,64}$/);
        for (const n of [requestTimeoutMs, cacheTtl, maxAttempts, retryDelayMs]) if (n !== undefined) expect(Number.isSafeInteger(n)).toBe(true);
        // What is accepted can be logged: metadata re-encodes.
        expect(() => JSON.stringify(parsed.options)).not.toThrow();
      }),
      { numRuns: 5_000 },
    );
  });
});
