import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { googleVertexAi } from ".";

/** Service-account JSON as a team might paste it: the right fields with odd values, extra ones, or anything at all. */
const field = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("us-central1", "global", "p-1", "https://oauth2.googleapis.com/token", "service_account"), fc.integer(), fc.constant(null));
const accountLike = fc.record(
  { type: field, project_id: field, private_key_id: field, private_key: field, client_email: field, token_uri: field, region: field },
  { requiredKeys: [] },
);
const secretLike = fc.oneof(
  accountLike.map((a) => JSON.stringify(a)),
  accountLike.map((a) => Buffer.from(JSON.stringify(a)).toString("base64")),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.json(),
);

/** Vertex-like passthrough paths, mostly well-formed segments, sometimes anything. */
const segment = fc.oneof(
  fc.constantFrom("v1", "v1beta1", "projects", "locations", "publishers", "google", "anthropic", "models", "global", "us-east5", "", ".."),
  fc.stringMatching(/^[a-z0-9.@-]{0,20}(?::[A-Za-z]{0,20})?$/),
  fc.string({ unit: "binary", maxLength: 16 }),
);
const pathLike = fc.array(segment, { maxLength: 10 }).map((segments) => segments.join("/"));

describe("what Vertex AI reads from a team's key and a client's path and model", () => {
  it("is a problem or nothing for any secret, and a Google host when the secret implies one", () => {
    fc.assert(
      fc.property(secretLike, (secret) => {
        const problem = googleVertexAi.keyProblem?.(secret);
        const baseUrl = googleVertexAi.baseUrlOfKey?.(secret);
        expect(problem === undefined || typeof problem === "string").toBe(true);
        if (baseUrl !== undefined) expect(new URL(baseUrl).hostname).toMatch(/^([a-z0-9-]+-)?aiplatform\.googleapis\.com$/);
      }),
      { numRuns: 1_000 },
    );
  });

  it("routes any path to a Google host or not at all, and any model to a known format or none", () => {
    fc.assert(
      fc.property(pathLike, fc.string({ maxLength: 40 }), (path, model) => {
        const target = googleVertexAi.passthroughTarget?.(path);
        if (target !== undefined) {
          expect(new URL(target.baseUrl ?? "").hostname).toMatch(/^([a-z0-9-]+-)?aiplatform\.googleapis\.com$/);
          expect(target.path).toBe(path);
        }
        const called = googleVertexAi.chatModel?.(model);
        if (called !== undefined) expect(["gemini", "anthropic-messages"]).toContain(called.format);
      }),
      { numRuns: 2_000 },
    );
  });
});
