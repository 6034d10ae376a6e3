import { describe, expect, it } from "vitest";
import { readRequestBody } from "./body";
import { GatewayError } from "./errors";

/** A POST whose body sends `first`, then breaks off with an error (a connection cut mid-body). */
function brokenRequest(first: string, signal?: AbortSignal): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    pull(controller) {
      controller.error(new Error("aborted"));
    },
  });
  return new Request("http://gateway.test/v1/t/g/compat/chat/completions", { method: "POST", body, duplex: "half", signal } as RequestInit);
}

async function refusal(req: Request): Promise<GatewayError> {
  const error: unknown = await readRequestBody(req, 1024).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("readRequestBody", () => {
  it("reads the whole body, and nothing from a request without one", async () => {
    const req = new Request("http://gateway.test/", { method: "POST", body: '{"a":1}' });
    expect(new TextDecoder().decode(await readRequestBody(req, 1024))).toBe('{"a":1}');
    expect(await readRequestBody(new Request("http://gateway.test/"), 1024)).toBeUndefined();
  });

  it("takes a body that breaks off as the client's doing: 499 when it left, 400 otherwise", async () => {
    const left = new AbortController();
    left.abort();
    expect((await refusal(brokenRequest('{"model":', left.signal))).httpCode).toBe(499);
    const cut = await refusal(brokenRequest('{"model":'));
    expect(cut.httpCode).toBe(400);
    expect(cut.message).toContain("broke off");
  });

  it("refuses a body over the limit, declared or streamed, with 413", async () => {
    const declared = new Request("http://gateway.test/", { method: "POST", body: "x".repeat(2048) });
    expect((await refusal(declared)).httpCode).toBe(413);
  });
});
