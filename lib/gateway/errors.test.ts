import { describe, expect, it } from "vitest";
import { allStepsFailed, bodyTooLarge, gatewayNotFound, renderEnvelope, renderOpenAiError, unauthorized, universalRefusal, unknownAlias } from "./errors";

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

describe("renderEnvelope", () => {
  it("is Cloudflare's envelope, which its own client reads error[0].code from", () => {
    const message = "Unauthorized: the gateway token is not valid for this gateway";
    expect(JSON.parse(renderEnvelope(unauthorized("invalid")))).toEqual({
      success: false,
      result: [],
      messages: [],
      error: [{ code: 2009, message }],
      name: "AiGatewayError",
      httpCode: 401,
      internalCode: 2009,
      message,
    });
  });

  it("gives an unknown gateway Cloudflare's 400 on the Universal endpoint, and leaves other refusals be", () => {
    const notFound = universalRefusal(gatewayNotFound());
    expect([notFound.httpCode, notFound.internalCode, notFound.message]).toEqual([400, 2001, gatewayNotFound().message]);
    const refusal = unauthorized("missing");
    expect(universalRefusal(refusal)).toBe(refusal);
  });

  it("names every failed step under 2005, with the status it is given", () => {
    const error = allStepsFailed(503, ["step 0 (openai): the provider answered HTTP 500", "step 1 (anthropic): the provider answered HTTP 503"]);
    expect([error.httpCode, error.internalCode]).toEqual([503, 2005]);
    expect(error.message).toBe(
      "Failed to get response from provider: every step failed: step 0 (openai): the provider answered HTTP 500; step 1 (anthropic): the provider answered HTTP 503",
    );
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
