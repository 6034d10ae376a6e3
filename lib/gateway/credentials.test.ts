import { describe, expect, it } from "vitest";
import { anthropic } from "@/lib/providers/anthropic";
import { googleAiStudio } from "@/lib/providers/google-ai-studio";
import { openai } from "@/lib/providers/openai";
import { clientKeyApplier } from "./credentials";

const call = (headers: Record<string, string>) => ({ method: "POST", path: "v1/messages", headers });

describe("a client's own provider key", () => {
  it("passes as sent on passthrough, with what the provider requires of every call", () => {
    const applied = clientKeyApplier(anthropic, "as-sent")(call({ authorization: "Bearer oauth-token" }));
    expect(applied.headers).toEqual({ authorization: "Bearer oauth-token", "anthropic-version": "2023-06-01" });
    const own = clientKeyApplier(googleAiStudio, "as-sent")(call({ "x-goog-api-key": "AIza-own" }));
    expect(own.headers).toEqual({ "x-goog-api-key": "AIza-own" });
  });

  it("moves to the provider's own header on a translated call", () => {
    // The OpenAI SDK puts any key in Authorization; Anthropic and Google read theirs elsewhere.
    expect(clientKeyApplier(anthropic, "provider-header")(call({ authorization: "Bearer sk-ant-own" })).headers).toEqual({
      "x-api-key": "sk-ant-own",
      "anthropic-version": "2023-06-01",
    });
    expect(clientKeyApplier(googleAiStudio, "provider-header")(call({ authorization: "Bearer AIza-own" })).headers).toEqual({
      "x-goog-api-key": "AIza-own",
    });
  });

  it("stays where the provider already reads it", () => {
    expect(clientKeyApplier(anthropic, "provider-header")(call({ "x-api-key": "sk-ant-own" })).headers).toEqual({
      "x-api-key": "sk-ant-own",
      "anthropic-version": "2023-06-01",
    });
    expect(clientKeyApplier(openai, "provider-header")(call({ authorization: "Bearer sk-own" })).headers).toEqual({
      authorization: "Bearer sk-own",
    });
    expect(clientKeyApplier(openai, "provider-header")(call({ "x-api-key": "sk-own" })).headers).toEqual({
      authorization: "Bearer sk-own",
    });
  });
});
