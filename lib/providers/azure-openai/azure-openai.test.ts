import { describe, expect, it } from "vitest";
import { ProviderRequestError } from "../types";
import { AZURE_DEFAULT_API_VERSION, azureOpenai } from ".";

const call = (path: string, headers: Record<string, string> = {}) => ({ method: "POST", baseUrl: "https://r.openai.azure.com", path, headers, body: "{}" });
const jsonKey = (fields: Record<string, unknown>) => JSON.stringify(fields);

describe("Azure OpenAI passthrough paths", () => {
  it("routes Cloudflare's {resource}/{deployment}/{path} to the resource's deployments", () => {
    expect(azureOpenai.passthroughTarget?.("my-res/chat-prod/chat/completions")).toEqual({
      baseUrl: "https://my-res.openai.azure.com",
      path: "openai/deployments/chat-prod/chat/completions",
    });
  });

  it("passes Azure's own paths after the resource as they are: deployments and the v1 API", () => {
    expect(azureOpenai.passthroughTarget?.("my-res/openai/deployments/gpt-4o.v2/embeddings")).toEqual({
      baseUrl: "https://my-res.openai.azure.com",
      path: "openai/deployments/gpt-4o.v2/embeddings",
    });
    expect(azureOpenai.passthroughTarget?.("my-res/openai/v1/responses")).toEqual({ baseUrl: "https://my-res.openai.azure.com", path: "openai/v1/responses" });
  });

  it.each(["", "my_res/d/chat/completions", "-res/d/x", "res.evil.com/d/x", "my-res", "my-res/", "my-res/-d/x", "my-res/openai/deployments/../x"])(
    "refuses %j saying what the path must be",
    (path) => {
      expect(() => azureOpenai.passthroughTarget?.(path)).toThrow(ProviderRequestError);
      expect(() => azureOpenai.passthroughTarget?.(path)).toThrow("azure-openai/{resource}/{deployment}/{path}");
    },
  );
});

describe("Azure OpenAI compat paths", () => {
  it("puts the deployment in the path", () => {
    expect(azureOpenai.pathForModel?.("chat/completions", "chat-prod")).toBe("openai/deployments/chat-prod/chat/completions");
  });

  it.each(["a/b", "..", "x?y", ""])("refuses the deployment name %j", (name) => {
    expect(() => azureOpenai.pathForModel?.("chat/completions", name)).toThrow(ProviderRequestError);
  });
});

describe("Azure OpenAI keys", () => {
  it("takes a plain key or a JSON key naming its resource, and says what is wrong with others", () => {
    expect(azureOpenai.keyProblem?.("0123abcd")).toBeUndefined();
    expect(azureOpenai.keyProblem?.(jsonKey({ apiKey: "k", resource: "my-res" }))).toBeUndefined();
    expect(azureOpenai.keyProblem?.(jsonKey({ apiKey: "k", resource: "my-res", apiVersion: "2025-04-01-preview" }))).toBeUndefined();
    expect(azureOpenai.keyProblem?.("{not json")).toContain("not valid JSON");
    expect(azureOpenai.keyProblem?.(jsonKey({ resource: "my-res" }))).toContain("apiKey is required");
    expect(azureOpenai.keyProblem?.(jsonKey({ apiKey: "k", resource: "https://my-res.openai.azure.com" }))).toContain("resource must be");
    expect(azureOpenai.keyProblem?.(jsonKey({ apiKey: "k", resource: "r", apiVersion: "a b" }))).toContain("apiVersion");
    // The message names fields, never the secret.
    expect(azureOpenai.keyProblem?.(jsonKey({ apiKey: "secret-value", resource: "bad_name" }))).not.toContain("secret-value");
  });

  it("implies the resource's URL from a JSON key only", () => {
    expect(azureOpenai.baseUrlOfKey?.(jsonKey({ apiKey: "k", resource: "my-res" }))).toBe("https://my-res.openai.azure.com");
    expect(azureOpenai.baseUrlOfKey?.("plain")).toBeUndefined();
  });

  it("puts the key in api-key and gives a deployments call without a version the key's, else the default", async () => {
    const plain = await azureOpenai.applyCredential(call("openai/deployments/d/chat/completions"), "plain");
    expect(plain.headers).toEqual({ "api-key": "plain" });
    expect(plain.path).toBe(`openai/deployments/d/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`);

    const versioned = await azureOpenai.applyCredential(call("openai/deployments/d/chat/completions"), jsonKey({ apiKey: "k", resource: "r", apiVersion: "2025-04-01-preview" }));
    expect(versioned.headers["api-key"]).toBe("k");
    expect(versioned.path).toBe("openai/deployments/d/chat/completions?api-version=2025-04-01-preview");

    // The client's own version stays, and the v1 API takes none.
    expect((await azureOpenai.applyCredential(call("openai/deployments/d/embeddings?api-version=2024-06-01"), "plain")).path).toBe(
      "openai/deployments/d/embeddings?api-version=2024-06-01",
    );
    expect((await azureOpenai.applyCredential(call("openai/v1/responses"), "plain")).path).toBe("openai/v1/responses");
  });
});
