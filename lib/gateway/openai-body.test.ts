import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { askForStreamUsage, parseJsonObject, parseModelName } from "./openai-body";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("parseJsonObject", () => {
  it("accepts a JSON object and refuses anything else with a 400 saying so", () => {
    expect(parseJsonObject(bytes('{"a":1}'))).toEqual({ a: 1 });
    for (const raw of [bytes("{"), bytes("[1]"), bytes('"x"'), undefined]) {
      try {
        parseJsonObject(raw);
        throw new Error("expected a refusal");
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).httpCode).toBe(400);
      }
    }
    expect(() => parseJsonObject(bytes("{"))).toThrow(/not valid JSON/);
  });
});

describe("parseModelName", () => {
  it("splits at the first slash", () => {
    expect(parseModelName("openai/gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    expect(parseModelName("workers-ai/@cf/meta/llama-3.1-8b-instruct")).toEqual({
      provider: "workers-ai",
      model: "@cf/meta/llama-3.1-8b-instruct",
    });
  });

  it("takes Workers AI's own names without a provider prefix, as Cloudflare's REST API does", () => {
    expect(parseModelName("@cf/meta/llama-3.1-8b-instruct")).toEqual({ provider: "workers-ai", model: "@cf/meta/llama-3.1-8b-instruct" });
    expect(parseModelName("@hf/thebloke/deepseek-coder-6.7b-instruct-awq")).toEqual({
      provider: "workers-ai",
      model: "@hf/thebloke/deepseek-coder-6.7b-instruct-awq",
    });
  });

  it("takes xai as Cloudflare's REST name for grok", () => {
    expect(parseModelName("xai/grok-4")).toEqual({ provider: "grok", model: "grok-4" });
  });

  it("explains the expected form", () => {
    expect(() => parseModelName(undefined)).toThrow(/"\{provider\}\/\{model\}", like "openai\/gpt-4o-mini".*it is missing/);
    expect(() => parseModelName("gpt-4o")).toThrow(/got "gpt-4o"/);
    expect(() => parseModelName("openai/")).toThrow(/\{provider\}\/\{model\}/);
    expect(() => parseModelName("/gpt-4o")).toThrow(/\{provider\}\/\{model\}/);
    expect(() => parseModelName(42)).toThrow(/got 42/);
  });
});

describe("askForStreamUsage", () => {
  it("asks for usage on streams that did not, keeping other stream options", () => {
    const body: Record<string, unknown> = { stream: true, stream_options: { include_obfuscation: false } };
    expect(askForStreamUsage(body)).toBe(true);
    expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });

    const refused: Record<string, unknown> = { stream: true, stream_options: { include_usage: false } };
    expect(askForStreamUsage(refused)).toBe(true);
    expect(refused.stream_options).toEqual({ include_usage: true });
  });

  it("leaves alone streams that asked and requests that do not stream", () => {
    const asked = { stream: true, stream_options: { include_usage: true } };
    expect(askForStreamUsage(asked)).toBe(false);
    const plain: Record<string, unknown> = { stream: false };
    expect(askForStreamUsage(plain)).toBe(false);
    expect(plain).toEqual({ stream: false });
  });
});
