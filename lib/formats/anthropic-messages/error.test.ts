import { describe, expect, it } from "vitest";
import { anthropicErrorType, decodeError, encodeError, errorFromStreamEvent, streamErrorEvents } from "./error";

describe("Anthropic errors", () => {
  it("decodes Anthropic's error body, keeping its status, type and words", () => {
    expect(decodeError(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: "req_1" })).toEqual({
      status: 529,
      message: "Overloaded",
      type: "overloaded_error",
    });
  });

  it("decodes a body that is not Anthropic's into a message naming the status", () => {
    expect(decodeError(502, undefined)).toEqual({ status: 502, message: "Anthropic answered with HTTP 502", type: "api_error" });
    expect(decodeError(404, { detail: "nope" }).type).toBe("not_found_error");
  });

  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [402, "billing_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [502, "api_error"],
    [504, "timeout_error"],
    [529, "overloaded_error"],
  ])("names status %i %s", (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
    expect(encodeError({ status, message: "words" })).toEqual({ type: "error", error: { type, message: "words" } });
  });

  it("keeps an Anthropic type and replaces another format's", () => {
    expect(encodeError({ status: 500, message: "m", type: "overloaded_error" })).toEqual({ type: "error", error: { type: "overloaded_error", message: "m" } });
    expect(encodeError({ status: 400, message: "m", type: "INVALID_ARGUMENT" })).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "m" },
    });
  });

  it("ends a failed stream with an error event, and reads one back with the type's status", () => {
    const [event] = streamErrorEvents({ status: 529, message: "Overloaded" });
    expect(event).toEqual({ event: "error", data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' });
    expect(errorFromStreamEvent(JSON.parse(event?.data ?? "{}"))).toEqual({ status: 529, message: "Overloaded", type: "overloaded_error" });
    expect(errorFromStreamEvent({ type: "error", error: { type: "brand_new_error" } })).toEqual({
      status: 500,
      message: "Anthropic reported an error mid-stream",
      type: "brand_new_error",
    });
  });
});
