import { describe, expect, it } from "vitest";
import { bodyTooLarge, gatewayNotFound, renderOpenAiError, unauthorized, unknownAlias } from "./errors";

describe("renderOpenAiError", () => {
  it("carries OpenAI's error object and Cloudflare's fields together", () => {
    const message = "Unauthorized: the gateway token is not valid for this gateway";
    expect(JSON.parse(renderOpenAiError(unauthorized("invalid")))).toEqual({
      error: { message, type: "authentication_error", code: "unauthorized", param: null },
      name: "AiGatewayError",
      internalCode: 2009,
      httpCode: 401,
      success: false,
      errors: [{ code: 2009, message }],
    });
  });

  it("types errors by status", () => {
    expect(JSON.parse(renderOpenAiError(gatewayNotFound())).error.type).toBe("not_found_error");
    expect(JSON.parse(renderOpenAiError(bodyTooLarge(10))).error.type).toBe("invalid_request_error");
  });
});

describe("messages", () => {
  it("shapes an unknown alias as Cloudflare does", () => {
    expect(unknownAlias("openai", "prod", ["default", "eu"]).message).toBe(
      "Provider 'openai' has no BYOK credential named 'prod'. Configured aliases: 'default', 'eu'",
    );
    expect(unknownAlias("openai", "prod", []).message).toMatch(/Configured aliases: none$/);
  });

  it("names the body limit and how to raise it", () => {
    const error = bodyTooLarge(1024);
    expect(error.httpCode).toBe(413);
    expect(error.message).toMatch(/1024 bytes.*SWITCHYARD_MAX_BODY_BYTES/);
  });
});
