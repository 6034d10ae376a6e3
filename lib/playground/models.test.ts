import { describe, expect, it } from "vitest";
import { chatModelsByProvider, chatsThroughCompat, compatModelId, playgroundModels } from "./models";

describe("the playground's models", () => {
  it("are a provider's catalog chat models as compat names them, without embedding models", () => {
    const workersAi = playgroundModels("workers-ai");
    expect(workersAi).toContain("workers-ai/@cf/meta/llama-3.1-8b-instruct");
    expect(workersAi.every((id) => id.startsWith("workers-ai/@cf/"))).toBe(true);
    expect(workersAi.filter((id) => id.includes("/bge-"))).toEqual([]);
    expect(playgroundModels("openai")).not.toContain("openai/text-embedding-3-small");
    expect(playgroundModels("cohere")).toContain("cohere/command-a-03-2025");
    expect(playgroundModels("cohere").filter((id) => id.includes("/embed-"))).toEqual([]);
    expect(playgroundModels("aws-bedrock")).toContain("aws-bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(playgroundModels("custom-gpu-box")).toEqual([]);
  });

  it("name Vertex's models with their publisher, and leave Bedrock's and Workers AI's ids alone", () => {
    expect(compatModelId("google-vertex-ai", "gemini-2.5-flash")).toBe("google/gemini-2.5-flash");
    expect(compatModelId("google-vertex-ai", "claude-sonnet-4-5")).toBe("anthropic/claude-sonnet-4-5");
    expect(compatModelId("google-vertex-ai", "google/gemini-2.5-pro")).toBe("google/gemini-2.5-pro");
    expect(compatModelId("aws-bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(compatModelId("aws-bedrock", "us.amazon.nova-pro-v1:0")).toBe("us.amazon.nova-pro-v1:0");
    expect(compatModelId("workers-ai", "@cf/meta/llama-3.1-8b-instruct")).toBe("@cf/meta/llama-3.1-8b-instruct");
  });
});

describe("the playground's pick of a gateway's compat/models", () => {
  it("keeps chat models, per provider, with a sensible default first and Vertex's publisher added", () => {
    const listed = [
      { id: "openai/gpt-6.1-sol", owned_by: "openai", type: "chat" },
      { id: "openai/gpt-4o-mini", owned_by: "openai", type: "chat" },
      { id: "openai/text-embedding-3-small", owned_by: "openai", type: "embedding" },
      { id: "google-vertex-ai/gemini-2.5-flash", owned_by: "google-vertex-ai", type: "chat" },
      { id: "custom-box/llama3", owned_by: "custom-box", type: "chat" },
      { id: "custom-box/nomic-embed-text", owned_by: "custom-box", type: "embedding" },
      { id: "custom-quiet", owned_by: "custom-quiet" },
    ];
    expect(chatModelsByProvider(listed)).toEqual({
      openai: ["openai/gpt-4o-mini", "openai/gpt-6.1-sol"],
      "google-vertex-ai": ["google-vertex-ai/google/gemini-2.5-flash"],
      "custom-box": ["custom-box/llama3"],
      "custom-quiet": [],
    });
    expect(playgroundModels("openai")[0]).toBe("openai/gpt-4o-mini");
    expect(playgroundModels("workers-ai")[0]).toBe("workers-ai/@cf/meta/llama-3.1-8b-instruct");
  });
});

describe("the providers the playground chats with", () => {
  it("are the catalog's chat providers and the team's custom ones, not unknown slugs", () => {
    expect(chatsThroughCompat("openai")).toBe(true);
    expect(chatsThroughCompat("workers-ai")).toBe(true);
    expect(chatsThroughCompat("cohere")).toBe(true);
    expect(chatsThroughCompat("aws-bedrock")).toBe(true);
    expect(chatsThroughCompat("custom-gpu-box")).toBe(true);
    expect(chatsThroughCompat("no-such-provider")).toBe(false);
  });
});
