import { describe, expect, it } from "vitest";
import { cohereStreamErrorEvents, decodeCohereError, encodeCohereError } from "./error";
import { usageFromCohere, usageFromCohereBody } from "./usage";

describe("Cohere usage", () => {
  it("bills the billed units, with the token counts only where billed units are missing", () => {
    expect(usageFromCohere({ billed_units: { input_tokens: 10, output_tokens: 5 }, tokens: { input_tokens: 90, output_tokens: 6 } })).toMatchObject({ input: 10, output: 5 });
    expect(usageFromCohere({ tokens: { input_tokens: 90, output_tokens: 6 } })).toMatchObject({ input: 90, output: 6 });
    expect(usageFromCohere({ billed_units: { input_tokens: 10 }, tokens: { output_tokens: 6 } })).toMatchObject({ input: 10, output: 6 });
    expect(usageFromCohere({ billed_units: { input_tokens: -1, output_tokens: "x" } })).toBeUndefined();
    expect(usageFromCohere("nope")).toBeUndefined();
  });

  it("reads a chat answer's usage and an embed answer's meta", () => {
    expect(usageFromCohereBody({ usage: { billed_units: { input_tokens: 4, output_tokens: 1 } } })).toMatchObject({ input: 4, output: 1 });
    expect(usageFromCohereBody({ meta: { billed_units: { input_tokens: 7 } } })).toMatchObject({ input: 7, output: 0 });
  });
});

describe("Cohere errors", () => {
  it("are {message} with the status saying what kind", () => {
    expect(decodeCohereError(401, { id: "e", message: "invalid api token" })).toEqual({ status: 401, message: "invalid api token" });
    expect(decodeCohereError(503, undefined)).toEqual({ status: 503, message: "Cohere answered HTTP 503." });
    expect(encodeCohereError({ status: 400, message: "bad", type: "invalid_request_error" })).toEqual({ message: "bad" });
  });

  it("end a stream with message-end, finish_reason ERROR and the words", () => {
    const [event] = cohereStreamErrorEvents({ status: 529, message: "Overloaded" });
    expect(event?.event).toBe("message-end");
    expect(JSON.parse(event!.data)).toEqual({ type: "message-end", delta: { finish_reason: "ERROR", error: "Overloaded" } });
  });
});
