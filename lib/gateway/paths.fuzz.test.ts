import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { isGatewayPath, parseGatewayPath, type GatewayRoute } from "./paths";

/** Returns the route, or undefined for a GatewayError (a 4xx); anything else thrown fails the property. */
function parseOrRefuse(path: string): GatewayRoute | undefined {
  try {
    return parseGatewayPath(path);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).httpCode).toBeGreaterThanOrEqual(400);
    expect((error as GatewayError).httpCode).toBeLessThan(500);
    return undefined;
  }
}

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
/** Segments that mean something to the parser, and the encodings and dot segments clients send. */
const meaningful = fc.constantFrom(
  "v1", "ai", "client", "v4", "accounts", "compat", "chat", "completions", "models", "embeddings", "run", "openai",
  "custom-x", "workers-ai", "@cf", "", ".", "..", "%2e%2e", "%2f", "..%2f", "%2F", "%5c", "%00", "?", "#", "%",
);
const segment = fc.oneof(meaningful, slug, fc.string({ unit: "binary", maxLength: 12 }));
/** Path-like strings: mostly slash-separated segments that look like ours, sometimes anything. */
const pathLike = fc.oneof(
  fc.array(segment, { maxLength: 10 }).map((segments) => `/${segments.join("/")}`),
  fc.string({ unit: "binary", maxLength: 200 }),
);

describe("gateway path parsing, fuzzed", () => {
  it("never fails on any path but with a 4xx GatewayError, and parses only paths it calls gateway paths", () => {
    fc.assert(
      fc.property(pathLike, (path) => {
        const route = parseOrRefuse(path);
        if (!route) return;
        expect(isGatewayPath(path)).toBe(true);
        expect(typeof route.logPath).toBe("string");
        if (route.scope.by === "path") {
          expect(route.scope.teamSlug).not.toBe("");
          expect(route.scope.gatewaySlug).not.toBe("");
          expect(route.scope.teamSlug).not.toContain("/");
          expect(route.scope.gatewaySlug).not.toContain("/");
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it("gives back the team, gateway and provider path of every well-formed gateway URL", () => {
    const rest = fc.array(fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((s) => s !== "." && s !== ".."), { maxLength: 4 });
    fc.assert(
      fc.property(slug, slug, fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), rest, (team, gateway, provider, providerPath) => {
        fc.pre(provider !== "compat" && provider !== "run");
        const route = parseOrRefuse(`/v1/${team}/${gateway}/${[provider, ...providerPath].join("/")}`);
        expect(route?.scope).toEqual({ by: "path", teamSlug: team, gatewaySlug: gateway });
        expect(route?.surface).toEqual({ kind: "passthrough", provider, providerPath: providerPath.join("/") });
      }),
    );
  });
});
