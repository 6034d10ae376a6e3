import { expect, it } from "vitest";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, chunks, postJson, SseReader } from "../support/http";
import { settlesWithin } from "../support/wait";

type Chunk = { choices: Array<{ delta?: { content?: string } }>; usage?: unknown };

function contentOf(events: string[]): string {
  return (chunks(events) as Chunk[]).map((c) => c.choices[0]?.delta?.content ?? "").join("");
}

describeGateway("streaming", (h) => {
  for (const [surface, path, model] of [
    ["compat", "compat/chat/completions", "openai/fake-gated"],
    ["passthrough", "openai/chat/completions", "fake-gated"],
  ] as const) {
    it(`delivers ${surface} chunks while the upstream stream is still open`, async () => {
      const t = await h.seed();
      const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model, { stream: true }), bearer(t.token));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
      const reader = new SseReader(res);

      // The fake sends the role event and one word, then holds the stream until released: a
      // gateway that buffered would never let this first word through.
      const firstWord = async () => {
        for (;;) {
          const data = await reader.next();
          if (data === undefined) throw new Error("the stream ended before any content");
          const chunk = JSON.parse(data) as Chunk;
          if (chunk.choices[0]?.delta?.content) return chunk;
        }
      };
      await settlesWithin(firstWord(), 10_000, "no chunk reached the client while the upstream held its stream open");
      const upstream = await h.fake.waitForStream((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`);
      expect(upstream.finished).toBe(false);
      expect(upstream.outcome).toBeUndefined();

      upstream.release();
      const events = await reader.rest();
      expect(upstream.finished).toBe(true);
      expect(events.at(-1)).toBe("[DONE]");
      expect(contentOf(events)).toBe(h.fake.content);
    });
  }

  it("relays a slow stream event by event", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-slow-4-30", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    const events = await reader.rest();
    expect(contentOf(events)).toBe("word0 word1 word2 word3 ");
    expect(events.at(-1)).toBe("[DONE]");
  });

  it("aborts the upstream call when the client disconnects mid-stream", async () => {
    const t = await h.seed();
    const controller = new AbortController();
    const res = await postJson(
      `${t.gatewayUrl}/compat/chat/completions`,
      chatBody("openai/fake-gated", { stream: true }),
      bearer(t.token),
      { signal: controller.signal },
    );
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    await reader.next();
    const upstream = await h.fake.waitForStream((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`);
    expect(upstream.finished).toBe(false);

    controller.abort();
    const outcome = await settlesWithin(upstream.ended, 10_000, "the upstream call was still open after the client disconnected");
    expect(outcome).toBe("client-closed");
    expect(upstream.finished).toBe(false);

    // The disconnect is still logged, as a request the client abandoned.
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ stream: true, statusCode: 499, success: false });
  });

  it("aborts the upstream call when the client gives up before the provider answers", async () => {
    const t = await h.seed();
    const controller = new AbortController();
    const pending = postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-hang"), bearer(t.token), {
      signal: controller.signal,
    });
    const upstream = await h.fake.waitForRequest((r) => r.headers.authorization === `Bearer ${t.providerKey}`);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const finished = await settlesWithin(upstream.responded, 10_000, "the upstream call was still open after the client went away");
    expect(finished).toBe(false);
  });

  it("asks the provider for usage and strips it again when the client did not ask", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    const events = await new SseReader(res).rest();

    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.body?.stream_options).toMatchObject({ include_usage: true });

    const parsed = chunks(events) as Chunk[];
    expect(parsed.filter((c) => c.usage !== undefined && c.usage !== null)).toEqual([]);
    expect(parsed.filter((c) => c.choices.length === 0)).toEqual([]);
    expect(contentOf(events)).toBe(h.fake.content);
    expect(events.at(-1)).toBe("[DONE]");

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({
      stream: true,
      tokensIn: h.fake.usage.prompt_tokens,
      tokensOut: h.fake.usage.completion_tokens,
      tokensCached: h.fake.usage.cached_tokens,
    });
  });

  it("strips usage when the client explicitly set include_usage to false", async () => {
    const t = await h.seed();
    const res = await postJson(
      `${t.gatewayUrl}/openai/chat/completions`,
      chatBody("gpt-4o-mini", { stream: true, stream_options: { include_usage: false } }),
      bearer(t.token),
    );
    const events = await new SseReader(res).rest();
    expect(h.upstreamWithKey(t.providerKey).body?.stream_options).toMatchObject({ include_usage: true });
    const parsed = chunks(events) as Chunk[];
    expect(parsed.filter((c) => c.usage !== undefined && c.usage !== null)).toEqual([]);
    expect(parsed.filter((c) => c.choices.length === 0)).toEqual([]);

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensIn).toBe(h.fake.usage.prompt_tokens);
    expect(row.tokensOut).toBe(h.fake.usage.completion_tokens);
  });

  it("keeps the usage chunk when the client asked for it", async () => {
    const t = await h.seed();
    const res = await postJson(
      `${t.gatewayUrl}/compat/chat/completions`,
      chatBody("openai/gpt-4o-mini", { stream: true, stream_options: { include_usage: true } }),
      bearer(t.token),
    );
    const events = await new SseReader(res).rest();
    expect(events.at(-1)).toBe("[DONE]");
    const parsed = chunks(events) as Chunk[];
    const last = parsed.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({
      prompt_tokens: h.fake.usage.prompt_tokens,
      completion_tokens: h.fake.usage.completion_tokens,
      total_tokens: h.fake.usage.prompt_tokens + h.fake.usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: h.fake.usage.cached_tokens },
    });
    expect(h.upstreamWithKey(t.providerKey).body?.stream_options).toEqual({ include_usage: true });
  });

  it("ends the client's stream when the provider drops the connection mid-stream, and logs a failure", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-drop", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    let first: Chunk | undefined;
    while (!first?.choices[0]?.delta?.content) first = JSON.parse((await reader.next()) ?? "") as Chunk;

    const upstream = await h.fake.waitForStream((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`);
    upstream.release(); // the fake now destroys the connection
    const events = await reader.rest();
    expect(events).not.toContain("[DONE]");
    // The client's stream ends with an error event it can read, not just a stop.
    expect(JSON.parse(events.at(-1) ?? "")).toMatchObject({ error: { type: "api_error", code: "provider_error" } });

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ stream: true, statusCode: 502, success: false });
  });
});
