import { describe, expect, it } from "vitest";
import { fakeErrorResponse } from "../fake-providers/openai";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, closedPort, json, postJson, readSse } from "../support/http";
import { addKey } from "../support/seed";

const MAX_BODY_BYTES = 64 * 1024;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describeGateway(
  "errors",
  (h) => {
    describe("bad input", () => {
      const compat = (t: { gatewayUrl: string }) => `${t.gatewayUrl}/compat/chat/completions`;

      it("refuses malformed JSON with a message about the body", async () => {
        const t = await h.seed();
        const before = h.fake.requests.length;
        const res = await postJson(compat(t), '{"model": "openai/gpt-4o-mini", "messages": [', bearer(t.token));
        const body = await expectGatewayError(res, 400);
        expect(body.error.message).toMatch(/json/i);
        const rest = await postJson(`${h.url}/ai/v1/chat/completions`, "not json at all", bearer(t.token));
        expect((await expectGatewayError(rest, 400)).error.message).toMatch(/json/i);
        const array = await postJson(compat(t), "[1,2]", bearer(t.token));
        await expectGatewayError(array, 400);
        expect(h.fake.requests.length).toBe(before);
      });

      it("refuses a missing or non-string model", async () => {
        const t = await h.seed();
        const before = h.fake.requests.length;
        const missing = await postJson(compat(t), { messages: [{ role: "user", content: "hi" }] }, bearer(t.token));
        expect((await expectGatewayError(missing, 400)).error.message).toMatch(/model/);
        const wrongType = await postJson(compat(t), chatBody("x", { model: 42 }), bearer(t.token));
        expect((await expectGatewayError(wrongType, 400)).error.message).toMatch(/model/);
        const rest = await postJson(`${h.url}/ai/v1/embeddings`, { input: "x" }, bearer(t.token));
        expect((await expectGatewayError(rest, 400)).error.message).toMatch(/model/);
        expect(h.fake.requests.length).toBe(before);
      });

      it("refuses a model without a provider prefix, showing the expected form", async () => {
        const t = await h.seed();
        const before = h.fake.requests.length;
        const res = await postJson(compat(t), chatBody("gpt-4o-mini"), bearer(t.token));
        const body = await expectGatewayError(res, 400);
        expect(body.error.message).toMatch(/provider/i);
        expect(body.error.message).toContain("gpt-4o-mini");
        expect(h.fake.requests.length).toBe(before);
      });

      it("refuses an unknown provider with code 2008, on compat, passthrough and /ai/v1", async () => {
        const t = await h.seed();
        const before = h.fake.requests.length;
        const viaCompat = await postJson(compat(t), chatBody("nosuchprovider/model"), bearer(t.token));
        expect((await expectGatewayError(viaCompat, 400, 2008)).error.message).toContain("nosuchprovider");
        const viaPath = await postJson(`${t.gatewayUrl}/nosuchprovider/chat/completions`, chatBody("model"), bearer(t.token));
        expect((await expectGatewayError(viaPath, 400, 2008)).error.message).toContain("nosuchprovider");
        const viaRest = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("nosuchprovider/model"), bearer(t.token));
        await expectGatewayError(viaRest, 400, 2008);
        const unknownCustom = await postJson(compat(t), chatBody("custom-missing/model"), bearer(t.token));
        await expectGatewayError(unknownCustom, 400, 2008);
        expect(h.fake.requests.length).toBe(before);
      });

      it("refuses a body over the configured limit with 413, with or without a content-length", async () => {
        const t = await h.seed();
        const before = h.fake.requests.length;
        const big = chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "x".repeat(MAX_BODY_BYTES) }] });
        const declared = await postJson(compat(t), big, bearer(t.token));
        const body = await expectGatewayError(declared, 413);
        expect(body.error.message).toContain(String(MAX_BODY_BYTES));

        const bytes = new TextEncoder().encode(JSON.stringify(big));
        const chunked = await fetch(compat(t), {
          method: "POST",
          headers: { "content-type": "application/json", ...bearer(t.token) },
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
              controller.close();
            },
          }),
          duplex: "half",
        } as RequestInit & { duplex: "half" });
        await expectGatewayError(chunked, 413);

        const passthrough = await postJson(`${t.gatewayUrl}/openai/chat/completions`, big, bearer(t.token));
        await expectGatewayError(passthrough, 413);
        expect(h.fake.requests.length).toBe(before);

        // Just under the limit is fine.
        const small = chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "x".repeat(MAX_BODY_BYTES - 200) }] });
        expect((await postJson(compat(t), small, bearer(t.token))).status).toBe(200);
      });

      for (const [name, value, mentions] of [
        ["cf-aig-metadata", "{not json", "cf-aig-metadata"],
        ["cf-aig-metadata", '["a","b"]', "cf-aig-metadata"],
        ["cf-aig-metadata", JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }), "cf-aig-metadata"],
        ["cf-aig-metadata", JSON.stringify({ user: { id: 1 } }), "cf-aig-metadata"],
        ["cf-aig-custom-cost", "cheap", "cf-aig-custom-cost"],
        ["cf-aig-custom-cost", JSON.stringify({ per_token_in: -1, per_token_out: 0.1 }), "per_token_in"],
        ["cf-aig-custom-cost", JSON.stringify({ per_token_in: "0.1", per_token_out: 0.1 }), "per_token_in"],
        ["cf-aig-custom-cost", JSON.stringify({ per_token_in: 0.1 }), "per_token_out"],
        ["cf-aig-collect-log", "maybe", "cf-aig-collect-log"],
        ["cf-aig-collect-log-payload", "nope", "cf-aig-collect-log-payload"],
      ] as const) {
        it(`refuses an invalid ${name} (${value.slice(0, 30)}) with a message naming it`, async () => {
          const t = await h.seed();
          const before = h.fake.requests.length;
          const res = await postJson(compat(t), chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), [name]: value });
          const body = await expectGatewayError(res, 400);
          expect(body.error.message).toContain(mentions);
          expect(h.fake.requests.length).toBe(before);
        });
      }

      it("accepts true and false for the boolean cf-aig-* headers", async () => {
        const t = await h.seed();
        for (const value of ["true", "false"]) {
          const res = await postJson(compat(t), chatBody("openai/gpt-4o-mini"), {
            ...bearer(t.token),
            "cf-aig-collect-log": value,
            "cf-aig-collect-log-payload": value,
          });
          expect(res.status, value).toBe(200);
        }
      });

      it("logs a refusal of bad input on the gateway", async () => {
        const t = await h.seed();
        const res = await postJson(compat(t), chatBody("nosuchprovider/m"), bearer(t.token));
        expect(res.status).toBe(400);
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row).toMatchObject({ teamId: t.team.id, gatewayId: t.gateway.id, statusCode: 400, success: false, errorCode: 2008 });
      });
    });

    describe("provider errors", () => {
      for (const status of [429, 500, 403] as const) {
        it(`passes a provider ${status} through unchanged and logs it as a failure`, async () => {
          const t = await h.seed();
          const expected = fakeErrorResponse(status, `fake-error-${status}`);
          for (const [path, model] of [
            ["compat/chat/completions", `openai/fake-error-${status}`],
            ["openai/chat/completions", `fake-error-${status}`],
          ] as const) {
            const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), bearer(t.token));
            expect(res.status, path).toBe(status);
            expect(await json(res), path).toEqual(expected.body);
            for (const [header, value] of Object.entries(expected.headers)) expect(res.headers.get(header), header).toBe(value);
            const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
            expect(row).toMatchObject({ statusCode: status, success: false, provider: "openai", teamId: t.team.id });
          }
        });
      }

      it("passes an error through unchanged for a streaming request too", async () => {
        const t = await h.seed();
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-error-429", { stream: true }), bearer(t.token));
        expect(res.status).toBe(429);
        expect(await json(res)).toEqual(fakeErrorResponse(429, "fake-error-429").body);
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row.success).toBe(false);
        expect(row.statusCode).toBe(429);
      });

      it("answers 502 with code 2005 when the provider is unreachable, and logs it", async () => {
        const t = await h.seed({ storedKey: false });
        const port = await closedPort();
        await addKey(t, { baseUrl: `http://127.0.0.1:${port}/v1` });
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
        const body = await expectGatewayError(res, 502, 2005);
        expect(body.error.message.length).toBeGreaterThan(0);
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row).toMatchObject({ statusCode: 502, success: false, errorCode: 2005 });
      });

      it("survives a provider that sends broken JSON, logging what it could", async () => {
        const t = await h.seed();
        const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("fake-malformed"), bearer(t.token));
        const text = await res.text();
        if (res.status === 200) expect(() => JSON.parse(text)).toThrow();
        else expect(res.status).toBe(502);
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row.tokensIn).toBe(0);
        const next = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
        expect(next.status).toBe(200);
      });

      it("relays a stream with a broken event and still reads the usage after it", async () => {
        const t = await h.seed();
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-malformed", { stream: true }), bearer(t.token));
        expect(res.status).toBe(200);
        const events = await readSse(res);
        expect(events.at(-1)).toBe("[DONE]");
        expect(events.some((e) => e.startsWith("{") && !isJson(e))).toBe(true);
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row.tokensIn).toBe(h.fake.usage.prompt_tokens);
        expect(row.tokensOut).toBe(h.fake.usage.completion_tokens);
      });

      it("cuts the client's body short when the provider drops the connection, and logs a failure", async () => {
        const t = await h.seed();
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-drop"), bearer(t.token));
        // The provider's status and half its body are on their way; then the fake drops the connection.
        expect(res.status).toBe(200);
        h.upstreamWithKey(t.providerKey).release();
        const text = await res.text().catch(() => undefined);
        if (text !== undefined) expect(() => JSON.parse(text)).toThrow();
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row.success).toBe(false);
        const next = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
        expect(next.status).toBe(200);
      });
    });

    it("answers an unsupported endpoint with a 404 that names it", async () => {
      const t = await h.seed();
      const res = await postJson(`${h.url}/ai/v1/files`, { purpose: "batch" }, bearer(t.token));
      const body = await expectGatewayError(res, 404);
      expect(body.error.message).toContain("files");
    });
  },
  { maxBodyBytes: MAX_BODY_BYTES },
);
