import { describe, expect, it } from "vitest";
import { parseGatewayOptions, type GatewayOptions } from "./options";

function parse(headers: Record<string, string>): GatewayOptions {
  const parsed = parseGatewayOptions(new Headers(headers));
  if (!parsed.ok) throw new Error(`unexpected refusal: ${parsed.error.message}`);
  return parsed.options;
}

function refusal(headers: Record<string, string>): string {
  const parsed = parseGatewayOptions(new Headers(headers));
  if (parsed.ok) throw new Error("expected a refusal");
  expect(parsed.error.httpCode).toBe(400);
  return parsed.error.message;
}

describe("parseGatewayOptions", () => {
  it("leaves absent headers undefined", () => {
    expect(parse({ "content-type": "application/json" })).toEqual({});
  });

  it("reads every header into its typed option", () => {
    expect(
      parse({
        "cf-aig-metadata": '{"user":"alice","tier":2,"beta":true}',
        "cf-aig-custom-cost": '{"per_token_in":0.000001,"per_token_out":0.000002}',
        "cf-aig-event-id": "evt-1",
        "cf-aig-collect-log": "false",
        "cf-aig-collect-log-payload": "TRUE",
        "cf-aig-byok-alias": "Prod_2",
        "cf-aig-no-wholesale": "true",
        "cf-aig-gateway-id": "my-gw",
        "cf-aig-skip-cache": "true",
        "cf-aig-cache-ttl": "3600",
        "cf-aig-request-timeout": "1500",
        "cf-aig-max-attempts": "3",
        "cf-aig-retry-delay": "0",
        "cf-aig-backoff": "exponential",
        "cf-aig-dlp-policies": " pii, secrets,pii",
      }),
    ).toEqual({
      metadata: { user: "alice", tier: 2, beta: true },
      customCost: { perTokenIn: 0.000001, perTokenOut: 0.000002, perCacheReadToken: undefined, perCacheWriteToken: undefined },
      eventId: "evt-1",
      collectLog: false,
      collectLogPayload: true,
      byokAlias: "Prod_2",
      noWholesale: true,
      gatewayId: "my-gw",
      skipCache: true,
      cacheTtl: 3600,
      requestTimeoutMs: 1500,
      maxAttempts: 3,
      retryDelayMs: 0,
      backoff: "exponential",
      dlpPolicies: ["pii", "secrets"],
    });
  });

  describe("cf-aig-metadata", () => {
    it("says what is wrong instead of dropping it", () => {
      expect(refusal({ "cf-aig-metadata": "{not json" })).toMatch(/cf-aig-metadata.*not valid JSON/);
      expect(refusal({ "cf-aig-metadata": "[1,2]" })).toMatch(/cf-aig-metadata.*flat JSON object/);
      expect(refusal({ "cf-aig-metadata": '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}' })).toMatch(/6 entries, at most 5/);
      expect(refusal({ "cf-aig-metadata": '{"user":{"id":1}}' })).toMatch(/"user" is an object/);
      expect(refusal({ "cf-aig-metadata": '{"user":null}' })).toMatch(/"user" is null/);
      expect(refusal({ "cf-aig-metadata": '{"tags":["a"]}' })).toMatch(/"tags" is an array/);
      expect(refusal({ "cf-aig-metadata": '{"cf.user_id":"x"}' })).toMatch(/"cf.user_id" is reserved/);
    });

    it("accepts exactly five entries", () => {
      expect(parse({ "cf-aig-metadata": '{"a":1,"b":2,"c":3,"d":4,"e":"5"}' }).metadata).toEqual({ a: 1, b: 2, c: 3, d: 4, e: "5" });
    });
  });

  it("names the header and the accepted form of every bad value", () => {
    expect(refusal({ "cf-aig-custom-cost": "{}" })).toMatch(/^Invalid cf-aig-custom-cost header: .*per_token_in/);
    expect(refusal({ "cf-aig-event-id": "x".repeat(65) })).toMatch(/cf-aig-event-id.*1 to 64 characters/);
    expect(refusal({ "cf-aig-collect-log": "no" })).toMatch(/cf-aig-collect-log header: must be true or false, got "no"/);
    expect(refusal({ "cf-aig-collect-log-payload": "1" })).toMatch(/cf-aig-collect-log-payload.*true or false/);
    expect(refusal({ "cf-aig-byok-alias": "a:b" })).toMatch(/cf-aig-byok-alias.*letters, digits/);
    expect(refusal({ "cf-aig-no-wholesale": "yes" })).toMatch(/cf-aig-no-wholesale header: must be true or false, got "yes"/);
    expect(refusal({ "cf-aig-gateway-id": "My_Gateway" })).toMatch(/cf-aig-gateway-id.*lowercase letters/);
    expect(refusal({ "cf-aig-skip-cache": "yes" })).toMatch(/cf-aig-skip-cache/);
    expect(refusal({ "cf-aig-cache-ttl": "30" })).toMatch(/cf-aig-cache-ttl.*0 \(no caching\) or 60/);
    expect(refusal({ "cf-aig-cache-ttl": "1.5" })).toMatch(/cf-aig-cache-ttl.*whole number of seconds/);
    expect(refusal({ "cf-aig-request-timeout": "0" })).toMatch(/cf-aig-request-timeout.*milliseconds from 1/);
    expect(refusal({ "cf-aig-max-attempts": "6" })).toMatch(/cf-aig-max-attempts.*from 1 to 5/);
    expect(refusal({ "cf-aig-retry-delay": "5001" })).toMatch(/cf-aig-retry-delay.*from 0 to 5000/);
    expect(refusal({ "cf-aig-backoff": "random" })).toMatch(/cf-aig-backoff.*constant, linear or exponential/);
    expect(refusal({ "cf-aig-max-attempts": "" })).toMatch(/cf-aig-max-attempts/);
    expect(refusal({ "cf-aig-dlp-policies": "pii,,secrets" })).toMatch(/cf-aig-dlp-policies.*separated by commas/);
    expect(refusal({ "cf-aig-dlp-policies": Array.from({ length: 21 }, (_, i) => `p${i}`).join(",") })).toMatch(/names 21 policies, at most 20/);
  });
});

describe("trace context headers", () => {
  it("reads cf-aig-otel-trace-id and cf-aig-otel-parent-span-id as lowercase hex", () => {
    expect(parse({ "cf-aig-otel-trace-id": "4BF92F3577B34DA6A3CE929D0E0E4736", "cf-aig-otel-parent-span-id": "00f067aa0ba902b7" })).toEqual({
      otelTraceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      otelParentSpanId: "00f067aa0ba902b7",
    });
  });

  it("refuses ids of the wrong length, not hex, or all zeros, naming the header", () => {
    expect(refusal({ "cf-aig-otel-trace-id": "4bf92f35" })).toBe(
      'Invalid cf-aig-otel-trace-id header: must be 32 hexadecimal digits, not all zero, got "4bf92f35"',
    );
    expect(refusal({ "cf-aig-otel-parent-span-id": "0000000000000000" })).toContain("cf-aig-otel-parent-span-id");
    expect(refusal({ "cf-aig-otel-parent-span-id": "00f067aa0ba902bz" })).toContain("16 hexadecimal digits");
  });
});
