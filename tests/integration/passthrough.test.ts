import { expect, it } from "vitest";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, chunks, json, postJson, readSse } from "../support/http";
import { addCustomProvider, addKey } from "../support/seed";

describeGateway("provider passthrough", (h) => {
  it("forwards {provider}/{path} to the provider's base URL with the body unchanged", async () => {
    const t = await h.seed();
    const body = chatBody("gpt-4o-mini", { temperature: 0 });
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, body, bearer(t.token));
    expect(res.status).toBe(200);
    const completion = await json(res);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini");
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.method).toBe("POST");
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body).toEqual(body);
  });

  it("accepts the optional leading v1/ without doubling it", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/openai/v1/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(t.providerKey).path).toBe("/v1/chat/completions");
  });

  it("forwards the query string unchanged, on GET as on POST", async () => {
    const t = await h.seed();
    const get = await fetch(`${t.gatewayUrl}/openai/models?limit=2&after=gpt-4o&tag=a%20b`, { headers: bearer(t.token) });
    expect(get.status).toBe(200);
    expect((await json(get)).object).toBe("list");
    const seenGet = h.upstreamWithKey(t.providerKey);
    expect(seenGet.method).toBe("GET");
    expect(seenGet.path).toBe("/v1/models");
    if (h.server.entry === "node") {
      expect(seenGet.search).toBe("?limit=2&after=gpt-4o&tag=a%20b");
    } else {
      // Next's router re-serialises the query before a route handler sees it (`%20` becomes `+`),
      // so through `next dev` only the parameters are guaranteed, not their bytes.
      expect(Object.fromEntries(new URLSearchParams(seenGet.search))).toEqual({ limit: "2", after: "gpt-4o", tag: "a b" });
    }

    const post = await postJson(`${t.gatewayUrl}/openai/v1/chat/completions?api-version=2024-10-21`, chatBody("gpt-4o-mini"), bearer(t.token));
    expect(post.status).toBe(200);
    const seenPost = h.upstreamWithKey(t.providerKey);
    expect(seenPost.method).toBe("POST");
    expect(seenPost.query).toEqual({ "api-version": "2024-10-21" });
  });

  it("never tells the provider the client's address", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), {
      ...bearer(t.token),
      "x-forwarded-for": "203.0.113.7",
      "x-real-ip": "203.0.113.7",
      forwarded: "for=203.0.113.7",
    });
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(t.providerKey);
    for (const name of ["x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "x-real-ip", "forwarded"]) {
      expect(seen.headers[name]).toBeUndefined();
    }
  });

  it("forwards embeddings", async () => {
    const t = await h.seed();
    const res = await postJson(
      `${t.gatewayUrl}/openai/embeddings`,
      { model: "text-embedding-3-small", input: ["a b c", "d"] },
      bearer(t.token),
    );
    expect(res.status).toBe(200);
    const body = await json<{ object: string; data: unknown[]; usage: { prompt_tokens: number } }>(res);
    expect(body.object).toBe("list");
    expect(body.data).toHaveLength(2);
    expect(body.usage.prompt_tokens).toBe(4);
    expect(h.upstreamWithKey(t.providerKey).path).toBe("/v1/embeddings");
  });

  it("streams a passthrough completion", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    const text = chunks(events)
      .map((c) => (c.choices as Array<{ delta?: { content?: string } }>)[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe(h.fake.content);
  });

  it("never forwards the gateway token or cf-aig-* headers to the provider", async () => {
    const t = await h.seed();
    const viaAuthorization = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-metadata": JSON.stringify({ user: "u1" }),
      "cf-aig-event-id": "evt-no-leak",
    });
    expect(viaAuthorization.status).toBe(200);
    await addCustomProvider(t, "leakcheck", `${h.fake.origin}/leakcheck/v1`);
    const requestKey = `sk-request-${t.team.slug}`;
    const viaCfHeader = await postJson(`${t.gatewayUrl}/custom-leakcheck/chat/completions`, chatBody("gpt-4o-mini"), {
      authorization: `Bearer ${requestKey}`,
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(viaCfHeader.status).toBe(200);

    for (const seen of [h.upstreamWithKey(t.providerKey), h.upstreamWithKey(requestKey)]) {
      const names = Object.keys(seen.headers);
      expect(names.filter((n) => n.startsWith("cf-aig-"))).toEqual([]);
      expect(JSON.stringify(seen.headers)).not.toContain(t.token);
    }
  });

  it("passes custom-{slug}/{path} to the custom provider's base URL", async () => {
    const t = await h.seed({ storedKey: false });
    await addCustomProvider(t, "lab", `${h.fake.origin}/lab/v1`);
    const key = await addKey(t, { provider: "custom-lab", baseUrl: `${h.fake.origin}/lab/v1` });
    const res = await postJson(`${t.gatewayUrl}/custom-lab/chat/completions?x=1`, chatBody("lab-model"), bearer(t.token));
    expect(res.status).toBe(200);
    expect((await json(res)).model).toBe("lab-model");
    const seen = h.upstreamWithKey(key);
    expect(seen.path).toBe("/lab/v1/chat/completions");
    expect(seen.search).toBe("?x=1");
    expect(seen.body?.model).toBe("lab-model");
  });

  it("passes through other OpenAI-compatible providers by slug", async () => {
    const t = await h.seed({ storedKey: false });
    for (const provider of ["groq", "mistral", "deepseek", "grok", "cerebras", "perplexity-ai", "openrouter", "fireworks", "workers-ai"]) {
      const key = await addKey(t, { provider, baseUrl: `${h.fake.origin}/${provider}` });
      const res = await postJson(`${t.gatewayUrl}/${provider}/chat/completions`, chatBody("some-model"), bearer(t.token));
      expect(res.status, provider).toBe(200);
      expect(h.upstreamWithKey(key).path, provider).toBe(`/${provider}/chat/completions`);
    }
  });
});
