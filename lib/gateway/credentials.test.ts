import { describe, expect, it } from "vitest";
import { anthropic } from "@/lib/providers/anthropic";
import { googleAiStudio } from "@/lib/providers/google-ai-studio";
import { openai } from "@/lib/providers/openai";
import { clientKeyApplier } from "./credentials";

const call = (headers: Record<string, string>) => ({ method: "POST", baseUrl: "https://provider.test", path: "v1/messages", headers, body: "{}" });

describe("a client's own provider key", () => {
  it("passes as sent on passthrough, with what the provider requires of every call", async () => {
    const applied = await clientKeyApplier(anthropic, "as-sent")(call({ authorization: "Bearer oauth-token" }));
    expect(applied.headers).toEqual({ authorization: "Bearer oauth-token", "anthropic-version": "2023-06-01" });
    const own = await clientKeyApplier(googleAiStudio, "as-sent")(call({ "x-goog-api-key": "AIza-own" }));
    expect(own.headers).toEqual({ "x-goog-api-key": "AIza-own" });
  });

  it("moves to the provider's own header on a translated call", async () => {
    // The OpenAI SDK puts any key in Authorization; Anthropic and Google read theirs elsewhere.
    expect((await clientKeyApplier(anthropic, "provider-header")(call({ authorization: "Bearer sk-ant-own" }))).headers).toEqual({
      "x-api-key": "sk-ant-own",
      "anthropic-version": "2023-06-01",
    });
    expect((await clientKeyApplier(googleAiStudio, "provider-header")(call({ authorization: "Bearer AIza-own" }))).headers).toEqual({
      "x-goog-api-key": "AIza-own",
    });
  });

  it("stays where the provider already reads it", async () => {
    expect((await clientKeyApplier(anthropic, "provider-header")(call({ "x-api-key": "sk-ant-own" }))).headers).toEqual({
      "x-api-key": "sk-ant-own",
      "anthropic-version": "2023-06-01",
    });
    expect((await clientKeyApplier(openai, "provider-header")(call({ authorization: "Bearer sk-own" }))).headers).toEqual({
      authorization: "Bearer sk-own",
    });
    expect((await clientKeyApplier(openai, "provider-header")(call({ "x-api-key": "sk-own" }))).headers).toEqual({
      authorization: "Bearer sk-own",
    });
  });
});
