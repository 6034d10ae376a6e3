import { describe, expect, it } from "vitest";
import { GatewayError } from "./errors";
import { assertPlainProviderPath, isGatewayPath, parseGatewayPath } from "./paths";

describe("isGatewayPath", () => {
  it.each([
    "/v1/acme/main/compat/chat/completions",
    "/v1/acme/main/openai/chat/completions",
    "/ai/v1/chat/completions",
    "/ai/run",
    "/client/v4/accounts/acme/ai/v1/chat/completions",
  ])("serves %s", (path) => expect(isGatewayPath(path)).toBe(true));

  it.each([
    "/",
    "/v1",
    "/ai",
    "/api/health",
    "/acme/gateways",
    "/client/v4/accounts/acme/ai-gateway/gateways",
    "/client/v4/accounts//ai/v1/chat/completions",
    "/client/v4/accounts/acme",
  ])("leaves %s to Next", (path) => expect(isGatewayPath(path)).toBe(false));
});

describe("parseGatewayPath", () => {
  it("routes compat chat completions and models", () => {
    expect(parseGatewayPath("/v1/acme/main/compat/chat/completions")).toEqual({
      scope: { by: "path", teamSlug: "acme", gatewaySlug: "main" },
      surface: { kind: "chat", ingress: "openai-chat" },
      logPath: "compat/chat/completions",
    });
    expect(parseGatewayPath("/v1/acme/main/compat/models")?.surface).toEqual({ kind: "models" });
    expect(parseGatewayPath("/v1/acme/main/compat/embeddings")?.surface).toEqual({ kind: "embeddings" });
  });

  it("routes provider passthrough with the rest of the path", () => {
    expect(parseGatewayPath("/v1/acme/main/openai/v1/chat/completions")).toEqual({
      scope: { by: "path", teamSlug: "acme", gatewaySlug: "main" },
      surface: { kind: "passthrough", provider: "openai", providerPath: "v1/chat/completions" },
      logPath: "openai/v1/chat/completions",
    });
    expect(parseGatewayPath("/v1/acme/main/custom-lab")?.surface).toEqual({
      kind: "passthrough",
      provider: "custom-lab",
      providerPath: "",
    });
  });

  it("routes the REST surface, with and without the account in the path", () => {
    expect(parseGatewayPath("/ai/v1/chat/completions")).toEqual({
      scope: { by: "token", teamSlug: undefined },
      surface: { kind: "chat", ingress: "openai-chat" },
      logPath: "v1/chat/completions",
    });
    expect(parseGatewayPath("/client/v4/accounts/acme/ai/v1/embeddings")).toEqual({
      scope: { by: "token", teamSlug: "acme" },
      surface: { kind: "embeddings" },
      logPath: "v1/embeddings",
    });
  });

  it("routes /v1/{team}/{gateway} itself to the Universal endpoint", () => {
    expect(parseGatewayPath("/v1/acme/main")).toEqual({
      scope: { by: "path", teamSlug: "acme", gatewaySlug: "main" },
      surface: { kind: "universal" },
      logPath: "",
    });
  });

  it("marks what is not served yet as unsupported, still under its team and gateway", () => {
    expect(parseGatewayPath("/v1/acme/main/run")?.surface.kind).toBe("unsupported");
    expect(parseGatewayPath("/v1/acme/main/compat/audio/speech")?.surface.kind).toBe("unsupported");
    expect(parseGatewayPath("/ai/run")?.surface).toEqual({ kind: "run", model: undefined });
    expect(parseGatewayPath("/client/v4/accounts/acme/ai/run/@cf/meta/llama-3.1-8b-instruct")?.surface).toEqual({
      kind: "run",
      model: "@cf/meta/llama-3.1-8b-instruct",
    });
    expect(parseGatewayPath("/ai/run/")?.surface.kind).toBe("unsupported");
    expect(parseGatewayPath("/ai/v1/files")?.surface.kind).toBe("unsupported");
    expect(parseGatewayPath("/ai/v1/messages")?.surface).toEqual({ kind: "chat", ingress: "anthropic-messages" });
    expect(parseGatewayPath("/ai/v1/responses")?.surface).toEqual({ kind: "chat", ingress: "openai-responses" });
  });

  it("rejects paths without a team or gateway", () => {
    expect(parseGatewayPath("/v1/acme")).toBeUndefined();
    expect(parseGatewayPath("/v1/acme/")).toBeUndefined();
    expect(parseGatewayPath("/v1//main/compat/chat/completions")).toBeUndefined();
    expect(parseGatewayPath("/api/health")).toBeUndefined();
  });
});

describe("assertPlainProviderPath", () => {
  it.each([
    ["..", "is a dot segment"],
    [".", "is a dot segment"],
    ["v1/../admin", "is a dot segment"],
    ["v1/./chat/completions", "is a dot segment"],
    ["%2e%2e/admin", "is a dot segment"],
    ["%2E%2e/admin", "is a dot segment"],
    [".%2E/admin", "is a dot segment"],
    ["v1/%2e", "is a dot segment"],
    ["..%2fadmin", "holds an encoded slash (%2f)"],
    ["v1/..%2F..%2Fadmin", "holds an encoded slash (%2F)"],
    ["%2e%2e%2fadmin", "holds an encoded slash (%2f)"],
    ["v1%2fchat/completions", "holds an encoded slash (%2f)"],
    ["..%5cadmin", "holds an encoded backslash (%5c)"],
    ["v1/%5C..%5Cadmin", "holds an encoded backslash (%5C)"],
    ["..\\admin", "holds a backslash"],
  ])("refuses %j: the segment %s", (path, problem) => {
    let thrown: unknown;
    try {
      assertPlainProviderPath(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayError);
    const refusal = thrown as GatewayError;
    expect(refusal.httpCode).toBe(400);
    expect(refusal.code).toBe("invalid_provider_path");
    expect(refusal.message).toContain(`Invalid provider path "${path}"`);
    expect(refusal.message).toContain(problem);
  });

  it.each(["", "chat/completions", "v1/models/gpt-4o-mini", "files/file-abc/content", "a..b/c.d/...", "models/%2e%2e%2e", "v1//chat", "%41"])(
    "lets %j through",
    (path) => expect(() => assertPlainProviderPath(path)).not.toThrow(),
  );
});
