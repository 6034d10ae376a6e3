import { createServer, type Socket } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gateways } from "@/db/schema";
import { changeDirectory } from "@/lib/state/directory-changes";
import { attemptRows } from "../support/attempts";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { addKey } from "../support/seed";
import { bearer, chatBody, json, postJson, readSse } from "../support/http";

/** Scheduling slack past a timeout before the gateway notices: generous, one-sided. */
const LATE_MS = 250;

describeGateway("timeouts", (h) => {
  it("answers 504 with code 2005 when a lone attempt has no headers within cf-aig-request-timeout", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { delayMs: 2000 });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), "cf-aig-request-timeout": "200" });
    const body = await expectGatewayError(res, 504, 2005);
    expect(body.error.message).toContain("did not answer in time");
    const [row] = await attemptRows(h, t, res);
    expect(row).toMatchObject({ attempt: 1, statusCode: 504, errorCode: 2005 });
    expect(row!.durationMs).toBeGreaterThanOrEqual(199);
    expect(row!.durationMs).toBeLessThanOrEqual(200 + LATE_MS);
  });

  it("retries a provider that hangs before its first byte", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { hang: true });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-request-timeout": "200",
      "cf-aig-max-attempts": "2",
    });
    expect(res.status).toBe(200);
    await res.text();
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode, r.errorCode])).toEqual([
      [1, 504, 2005],
      [2, 200, null],
    ]);
    // The hung call was given up: the fake saw its connection close unanswered.
    expect(await h.fake.requests.find((r) => r.headers.authorization === `Bearer ${t.providerKey}`)!.responded).toBe(false);
  });

  it("lets the last attempt after others wait for the provider past the timeout", async () => {
    const t = await h.seed();
    h.fake.fail(t.providerKey, { delayMs: 600 }, { delayMs: 600 });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-request-timeout": "200",
      "cf-aig-max-attempts": "2",
    });
    expect(res.status).toBe(200);
    expect((await json(res)).object).toBe("chat.completion");
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode])).toEqual([
      [1, 504],
      [2, 200],
    ]);
    expect(rows[1]!.ttfbMs).toBeGreaterThanOrEqual(599);
  });

  it("lets a stream that started within the timeout run past it", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-slow-6-100", { stream: true }), {
      ...bearer(t.token),
      "cf-aig-request-timeout": "200",
    });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const [row] = await attemptRows(h, t, res);
    expect(row).toMatchObject({ statusCode: 200, success: true });
    expect(row!.durationMs).toBeGreaterThan(500);
  });

  describe("mid-connect", () => {
    // Takes TCP connections and says nothing: a TLS handshake with it never completes.
    const silent = createServer((socket) => sockets.add(socket));
    const sockets = new Set<Socket>();
    beforeAll(() => new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve)));
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it("bounds connecting too: a TLS handshake that never completes is a 504 within the timeout", async () => {
      const t = await h.seed({ storedKey: false });
      const address = silent.address();
      const port = typeof address === "object" && address ? address.port : 0;
      await addKey(t, { baseUrl: `https://127.0.0.1:${port}/v1` });
      const send = () => postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), "cf-aig-request-timeout": "200" });
      // The timed request is the second: the team's first snapshot load and the process's first TLS
      // connection (its root certificates) come before the call and its deadline, and on a loaded CI
      // machine they once took most of a second.
      await expectGatewayError(await send(), 504, 2005);
      const res = await send();
      await expectGatewayError(res, 504, 2005);
      const [row] = await attemptRows(h, t, res);
      expect(row!.durationMs).toBeGreaterThanOrEqual(199);
      expect(row!.durationMs).toBeLessThanOrEqual(200 + LATE_MS);
    });
  });

  it("takes the gateway's default timeout when the request sends none", async () => {
    const t = await h.seed();
    await changeDirectory(h.db, t.team.id, (tx) => tx.update(gateways).set({ requestTimeoutMs: 200 }).where(eq(gateways.id, t.gateway.id)));
    await h.afterDirectoryCache();
    h.fake.fail(t.providerKey, { delayMs: 2000 });
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
    await expectGatewayError(res, 504, 2005);
  });
});
