import { describe, expect, it } from "vitest";
import { providers, providerSlugOf } from ".";
import { nativePath } from "./types";
import { anthropic } from "./anthropic";
import { googleAiStudio } from "./google-ai-studio";
import { openai } from "./openai";

const call = (headers: Record<string, string> = {}) => ({ method: "POST", baseUrl: "https://provider.test", path: "v1/messages", headers, body: "{}" });

describe("credentials", () => {
  it("puts an OpenAI-family key in Authorization as a bearer token", async () => {
    expect((await openai.applyCredential(call({ "content-type": "application/json" }), "sk-1")).headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer sk-1",
    });
  });

  it("puts an Anthropic key in x-api-key with a version, keeping the client's version", async () => {
    expect((await anthropic.applyCredential(call(), "sk-ant")).headers).toEqual({ "x-api-key": "sk-ant", "anthropic-version": "2023-06-01" });
    expect((await anthropic.applyCredential(call({ "anthropic-version": "2024-01-01" }), "sk-ant")).headers["anthropic-version"]).toBe("2024-01-01");
    expect(anthropic.completeCall?.(call({ "x-api-key": "own" })).headers).toEqual({ "x-api-key": "own", "anthropic-version": "2023-06-01" });
  });

  it("puts a Google key in x-goog-api-key", async () => {
    expect((await googleAiStudio.applyCredential(call(), "AIza")).headers).toEqual({ "x-goog-api-key": "AIza" });
  });
});

describe("the passthrough long tail", () => {
  it.each([
    ["huggingface", { authorization: "Bearer k" }],
    ["replicate", { authorization: "Bearer k" }],
    ["fal", { authorization: "Key k" }],
    ["ideogram", { "api-key": "k" }],
    ["cartesia", { "x-api-key": "k", "cartesia-version": "2024-11-13" }],
    ["deepgram", { authorization: "Token k" }],
    ["elevenlabs", { "xi-api-key": "k" }],
    ["baseten", { authorization: "Api-Key k" }],
    ["parallel", { "x-api-key": "k" }],
  ])("%s: puts a stored key in its own scheme, and is passthrough-only", async (slug, headers) => {
    const spec = providers.get(slug)!;
    const withKey = await spec.applyCredential(call(), "k");
    expect(spec.completeCall?.(withKey) ?? withKey).toMatchObject({ headers });
    expect(spec.passthroughOnly).toBe(true);
  });

  it("keeps a client's own Cartesia version", () => {
    expect(providers.get("cartesia")!.completeCall?.(call({ "cartesia-version": "2025-03-01" })).headers).toEqual({ "cartesia-version": "2025-03-01" });
  });

  it("reads usage where an OpenAI-compatible chat path is served, and sends Hugging Face's to its router", () => {
    expect(providers.get("huggingface")!.formatOfPath("v1/chat/completions")).toBe("openai-chat");
    expect(providers.get("huggingface")!.formatOfPath("meta-llama/Llama-3.1-8B-Instruct")).toBeUndefined();
    expect(providers.get("huggingface")!.passthroughTarget?.("v1/chat/completions")).toEqual({ baseUrl: "https://router.huggingface.co", path: "v1/chat/completions" });
    expect(providers.get("huggingface")!.passthroughTarget?.("bigcode/starcoder")).toBeUndefined();
    expect(providers.get("baseten")!.formatOfPath("v1/chat/completions")).toBe("openai-chat");
    expect(providers.get("deepgram")!.formatOfPath("v1/listen")).toBeUndefined();
  });
});

describe("the format a passthrough path speaks", () => {
  it.each([
    [openai, "chat/completions", "openai-chat"],
    [openai, "v1/chat/completions", "openai-chat"],
    [openai, "embeddings", "openai-chat"],
    [openai, "responses", "openai-responses"],
    [openai, "v1/responses", "openai-responses"],
    [openai, "responses/resp_1", undefined],
    [openai, "models", undefined],
    [anthropic, "v1/messages", "anthropic-messages"],
    [anthropic, "v1/messages/count_tokens", undefined],
    [anthropic, "v1/models", undefined],
    [googleAiStudio, "v1beta/models/gemini-2.5-flash:generateContent", "gemini"],
    [googleAiStudio, "v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini"],
    [googleAiStudio, "v1beta/models/gemini-embedding-001:embedContent", "gemini"],
    [googleAiStudio, "v1beta/models/gemini-embedding-001:batchEmbedContents", "gemini"],
    [googleAiStudio, "v1beta/models/gemini-2.5-flash:countTokens", undefined],
  ] as const)("%# %s", (provider, path, format) => {
    expect(provider.formatOfPath(path)).toBe(format);
  });

  it("reads Gemini's model and streaming from the path", () => {
    expect(googleAiStudio.pathFacts?.("v1beta/models/gemini-2.5-pro:streamGenerateContent")).toEqual({ model: "gemini-2.5-pro", stream: true });
    expect(googleAiStudio.pathFacts?.("v1beta/models/gemini-2.5-pro:generateContent")).toEqual({ model: "gemini-2.5-pro", stream: false });
    expect(googleAiStudio.pathFacts?.("v1beta/models")).toEqual({});
  });
});

describe("the formats a provider speaks itself", () => {
  it("names the path of each, and none for formats it does not speak", () => {
    expect(nativePath(openai, "openai-chat")).toBe("chat/completions");
    expect(nativePath(openai, "openai-responses")).toBe("responses");
    expect(nativePath(providers.get("groq")!, "openai-responses")).toBeUndefined();
    expect(nativePath(anthropic, "anthropic-messages")).toBe("v1/messages");
    expect(nativePath(anthropic, "openai-chat")).toBeUndefined();
    // Gemini's path holds the model: its encoder builds it.
    expect(nativePath(googleAiStudio, "gemini")).toBeUndefined();
  });
});

describe("model names", () => {
  it("maps Cloudflare's REST author names to provider slugs and leaves the rest", () => {
    expect(providerSlugOf("google")).toBe("google-ai-studio");
    expect(providerSlugOf("xai")).toBe("grok");
    expect(providerSlugOf("anthropic")).toBe("anthropic");
    expect(providerSlugOf("custom-x")).toBe("custom-x");
  });

  it("has no author name that is also a slug", () => {
    for (const spec of providers.values()) for (const author of spec.modelAuthors ?? []) expect(providers.has(author)).toBe(false);
  });
});
