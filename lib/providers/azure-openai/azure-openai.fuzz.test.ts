import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProviderRequestError } from "../types";
import { azureOpenai } from ".";

/** Passthrough paths as clients send them: resource-, deployment- and endpoint-like segments, sometimes anything. */
const segment = fc.oneof(
  fc.constantFrom("openai", "deployments", "v1", "chat", "completions", "responses", "", "..", ".", "%2e", "a.b"),
  fc.stringMatching(/^[A-Za-z0-9._-]{0,70}$/),
  fc.string({ unit: "binary", maxLength: 16 }),
);
const pathLike = fc.oneof(fc.array(segment, { maxLength: 8 }).map((segments) => segments.join("/")), fc.string({ unit: "binary", maxLength: 200 }));

/** A value or a ProviderRequestError (the gateway's 400); anything else fails. */
function valueOrRefusal<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderRequestError);
    return undefined;
  }
}

describe("what Azure OpenAI reads from a client", () => {
  it("routes any passthrough path to an Azure host with a plain path, or refuses it", () => {
    fc.assert(
      fc.property(pathLike, (path) => {
        const target = valueOrRefusal(() => azureOpenai.passthroughTarget!(path));
        if (!target) return;
        expect(new URL(target.baseUrl ?? "").hostname).toMatch(/^[A-Za-z0-9-]+\.openai\.azure\.com$/);
        expect(target.path.startsWith("openai/deployments/") || target.path.startsWith("openai/v1/")).toBe(true);
        expect(target.path.split("/").slice(0, 3)).not.toContain("..");
      }),
      { numRuns: 2_000 },
    );
  });

  it("puts any model name in a path only as one plain segment, or refuses it", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9._-]{0,70}$/)), (model) => {
        const path = valueOrRefusal(() => azureOpenai.pathForModel!("chat/completions", model));
        if (path !== undefined) expect(path).toBe(`openai/deployments/${model}/chat/completions`);
        if (path !== undefined) expect(model).not.toMatch(/[/?#%]|^\.\.?$/);
      }),
      { numRuns: 2_000 },
    );
  });

  it("judges any secret with a message or nothing, never throwing", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 120 }), fc.json()), (secret) => {
        const problem = azureOpenai.keyProblem!(secret);
        if (problem !== undefined) expect(typeof problem).toBe("string");
        const baseUrl = azureOpenai.baseUrlOfKey!(secret);
        if (baseUrl !== undefined) expect(problem).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });
});
