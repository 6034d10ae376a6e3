import OpenAI from "openai";
import { expect, it } from "vitest";
import { estimateOpenAiChatUsage } from "@/lib/formats/openai-chat/estimate-usage";
import type { FakeRequest, StreamRecord } from "../fake-providers/openai";
import { expectGatewayError } from "../support/errors";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, postJson, SseReader } from "../support/http";
import type { SeededTeam } from "../support/seed";
import { settlesWithin } from "../support/wait";

type Chunk = { choices?: Array<{ delta?: { content?: string } }>; error?: { message: string; type: string; code: string } };

// Both surfaces relay OpenAI-format streams; gpt-4o-mini is priced, so a cost follows from the tokens.
const SURFACES = [
  { surface: "compat", path: "compat/chat/completions", model: "openai/gpt-4o-mini" },
  { surface: "passthrough", path: "openai/chat/completions", model: "gpt-4o-mini" },
] as const;

const encoder = new TextEncoder();

/** Starts a stream the fake serves in `mode`, or normally (`x-fake-mode` reaches the fake through both surfaces). */
function openStream(
  t: SeededTeam,
  mode: string | undefined,
  init: RequestInit = {},
  extra: Record<string, unknown> = {},
  surface: (typeof SURFACES)[number] = SURFACES[0],
) {
  const headers = mode ? { ...bearer(t.token), "x-fake-mode": mode } : bearer(t.token);
  return postJson(`${t.gatewayUrl}/${surface.path}`, chatBody(surface.model, { stream: true, ...extra }), headers, init);
}

/** Reads events until one carries content. */
async function readFirstWord(reader: SseReader): Promise<void> {
  for (;;) {
    const data = await reader.next();
    if (data === undefined) throw new Error("the stream ended before any content");
    if ((JSON.parse(data) as Chunk).choices?.[0]?.delta?.content) return;
  }
}

/** The first held (`fake-gated`) stream of `t`'s provider key that is not in `seen`, which it joins. */
async function newHeldStream(h: Harness, t: SeededTeam, seen: Set<StreamRecord>): Promise<StreamRecord> {
  const stream = await settlesWithin(
    h.fake.waitForStream((s) => s.request.mode === "fake-gated" && s.request.headers.authorization === `Bearer ${t.providerKey}` && !seen.has(s)),
    10_000,
    "the fake provider never saw the stream",
  );
  seen.add(stream);
  return stream;
}

describeGateway("cut streams", (h) => {
  for (const target of SURFACES) {
    const { surface, path, model } = target;
    it(`logs a client that leaves mid-stream as 499, failed, with the tokens it was sent (${surface})`, async () => {
      const t = await h.seed();
      const controller = new AbortController();
      const body = chatBody(model, { stream: true });
      const res = await postJson(`${t.gatewayUrl}/${path}`, body, { ...bearer(t.token), "x-fake-mode": "fake-gated" }, { signal: controller.signal });
      expect(res.status).toBe(200);
      const reader = new SseReader(res);
      await readFirstWord(reader);
      const upstream = await newHeldStream(h, t, new Set());

      controller.abort();
      expect(await settlesWithin(upstream.ended, 10_000, "the upstream call outlived the client")).toBe("client-closed");

      const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
      expect(row).toMatchObject({ statusCode: 499, success: false, stream: true, tokensCached: 0 });
      expect(row.errorMessage).toContain("client closed the connection");
      // No usage chunk came: the tokens are estimated from the request and the events the client got.
      const received = reader.events.map((data) => `data: ${data}\n\n`).join("");
      const estimate = estimateOpenAiChatUsage(encoder.encode(JSON.stringify(body)), { events: reader.events.length, text: received, completed: false });
      expect(estimate?.output).toBeGreaterThan(0);
      expect(row.tokensOut).toBe(estimate?.output);
      expect(row.tokensIn).toBe(estimate?.input);
      expect(row.costMicros).toBeGreaterThan(0);
    });

    for (const includeUsage of [false, true]) {
      it(`ends the stream with an error event when the provider resets mid-stream, and logs it failed (${surface}, include_usage ${includeUsage})`, async () => {
        const t = await h.seed();
        const res = await openStream(t, "fake-reset-3", {}, includeUsage ? { stream_options: { include_usage: true } } : {}, target);
        expect(res.status).toBe(200);
        const events = await settlesWithin(new SseReader(res).rest(), 10_000, "the client's stream did not end after the provider reset");

        // The role event and two words, whole, then the error event; half an event never reaches the client.
        const parsed = events.map((data) => JSON.parse(data) as Chunk);
        expect(parsed).toHaveLength(4);
        expect(parsed.slice(0, 3).map((c) => c.choices?.[0]?.delta?.content ?? "").join("")).toBe("Hello from ");
        expect(parsed.at(-1)).toEqual({
          error: { message: expect.stringContaining("broke off") as string, type: "api_error", code: "provider_error", param: null },
        });
        expect(events).not.toContain("[DONE]");

        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row).toMatchObject({ statusCode: 502, success: false, stream: true });
        expect(row.errorMessage).toContain(parsed.at(-1)?.error?.message);
        expect(row.tokensOut).toBeGreaterThan(0);
        expect(row.costMicros).toBeGreaterThan(0);
      });
    }
  }

  it("makes the official openai SDK raise the error while it iterates", async () => {
    const t = await h.seed();
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "x-fake-mode": "fake-reset-3" } });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello." }], stream: true })
      .withResponse();
    let text = "";
    const iterating = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })();
    const error = await iterating.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("broke off");
    expect(text).toBe("Hello from ");

    const row = await h.logRow(response.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 502, success: false });
  });

  it("ends a non-streamed body short when the provider resets, and logs it failed", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "x-fake-mode": "fake-reset-1",
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 502, success: false, stream: false });
  });
});

const STREAM_LIMIT = 2;

describeGateway(
  "the per-token stream limit",
  (h) => {
    /** Opens a held stream and reads to its first word, so it is certainly relaying. */
    async function holdStream(t: SeededTeam, seen: Set<StreamRecord>) {
      const controller = new AbortController();
      const res = await openStream(t, "fake-gated", { signal: controller.signal });
      expect(res.status).toBe(200);
      const reader = new SseReader(res);
      await readFirstWord(reader);
      return { controller, reader, upstream: await newHeldStream(h, t, seen) };
    }

    async function expectRefused(t: SeededTeam) {
      const body = await expectGatewayError(await openStream(t, "fake-gated"), 429, 2003);
      expect(body.error.type).toBe("rate_limit_error");
      expect(body.error.code).toBe("too_many_streams");
      expect(body.error.message).toContain(`${STREAM_LIMIT} streams`);
      expect(body.error.message).toContain("SWITCHYARD_MAX_STREAMS_PER_TOKEN");
    }

    it("refuses a stream beyond the limit with 429, and gives every slot back however its stream ended", async () => {
      const t = await h.seed();
      const seen = new Set<StreamRecord>();
      const hangsSeen = new Set<FakeRequest>();
      const held = [];
      for (let i = 0; i < STREAM_LIMIT; i++) held.push(await holdStream(t, seen));
      await expectRefused(t);
      const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      await expect(
        client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }),
      ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      // Only streams count: a plain completion still goes through.
      const plain = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
      expect(plain.status).toBe(200);
      await plain.text();
      // Another token has slots of its own.
      const other = await h.seed();
      const elsewhere = await openStream(other, "fake-slow-2-1");
      expect(elsewhere.status).toBe(200);
      await new SseReader(elsewhere).rest();

      for (const stream of held) {
        stream.controller.abort();
        await settlesWithin(stream.upstream.ended, 10_000, "the upstream call outlived the client");
      }

      // Every way a stream can end, many times over: with a limit of 2, one slot kept would show at once.
      for (let round = 0; round < 8; round++) {
        const aborted = await holdStream(t, seen);
        aborted.controller.abort();
        await settlesWithin(aborted.upstream.ended, 10_000, "the upstream call outlived the client");

        const cancelled = await holdStream(t, seen);
        await cancelled.reader.cancel();
        await settlesWithin(cancelled.upstream.ended, 10_000, "the upstream call outlived the client");

        const reset = await openStream(t, "fake-reset-2");
        expect((await new SseReader(reset).rest()).at(-1)).toContain('"error"');

        const finished = await openStream(t, undefined);
        expect((await new SseReader(finished).rest()).at(-1)).toBe("[DONE]");

        const providerError = await openStream(t, "fake-error-500");
        expect(providerError.status).toBe(500);
        await providerError.text();

        const gaveUp = new AbortController();
        const pending = openStream(t, "fake-hang", { signal: gaveUp.signal });
        const hanging = await h.fake.waitForRequest((r) => r.mode === "fake-hang" && r.headers.authorization === `Bearer ${t.providerKey}` && !hangsSeen.has(r));
        hangsSeen.add(hanging);
        gaveUp.abort();
        await expect(pending).rejects.toThrow();
        await settlesWithin(hanging.responded, 10_000, "the upstream call outlived the client");
      }

      // The limit is whole again, and still the limit.
      const again = [];
      for (let i = 0; i < STREAM_LIMIT; i++) again.push(await holdStream(t, seen));
      await expectRefused(t);
      for (const stream of again) {
        stream.upstream.release();
        expect((await stream.reader.rest()).at(-1)).toBe("[DONE]");
      }
      const last = await openStream(t, undefined);
      expect(last.status).toBe(200);
      await last.text();
    });
  },
  { maxStreamsPerToken: STREAM_LIMIT },
);
