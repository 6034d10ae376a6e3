import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_AUDIO, FAKE_PNG, LONG_TAIL_SLUGS, startFakeLongTail, type FakeLongTail } from "../fake-providers/long-tail";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

describeGateway("the passthrough long tail", (h) => {
  let fake: FakeLongTail;
  beforeAll(async () => {
    fake = await startFakeLongTail();
  });
  afterAll(() => fake.close());

  /** A team with a stored key of `slug` at the fake; the secret is unique to the test. */
  async function seeded(slug: string): Promise<{ t: SeededTeam; key: string }> {
    const t = await h.seed({ storedKey: false });
    const key = await addKey(t, { provider: slug, baseUrl: `${fake.origin}/${slug}` });
    return { t, key };
  }

  function upstreamWith(key: string) {
    const seen = fake.requests.filter((r) => r.key === key).at(-1);
    if (!seen) throw new Error(`the fake received no request carrying ${key} in its provider's scheme`);
    return seen;
  }

  it.each(LONG_TAIL_SLUGS)("%s: an audio upload reaches the provider and comes back byte for byte, logged as metadata only", async (slug) => {
    const { t, key } = await seeded(slug);
    const res = await fetch(`${t.gatewayUrl}/${slug}/v1/listen?model=nova-3`, {
      method: "POST",
      headers: { "cf-aig-authorization": `Bearer ${t.token}`, "content-type": "audio/wav" },
      body: FAKE_AUDIO,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(FAKE_AUDIO);

    // The stored key went in the provider's own scheme, and the bytes arrived as sent.
    const seen = upstreamWith(key);
    expect(seen.bytes).toEqual(FAKE_AUDIO);
    expect(seen.path).toBe(`/${slug}/v1/listen`);
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const logId = res.headers.get("cf-aig-log-id")!;
    const row = await h.logRow(logId);
    expect(row).toMatchObject({ provider: slug, statusCode: 200, success: true, requestBytes: FAKE_AUDIO.byteLength, responseBytes: FAKE_AUDIO.byteLength });
    expect(row.durationMs).toEqual(expect.any(Number));
    expect(await h.payload(logId)).toMatchObject({
      requestBody: null,
      requestBinaryType: "audio/wav",
      responseBody: null,
      responseBinaryType: "audio/wav",
    });
  });

  it.each(LONG_TAIL_SLUGS)("%s: generated audio and images pass back untouched", async (slug) => {
    const { t } = await seeded(slug);
    for (const [kind, bytes, type] of [["audio", FAKE_AUDIO, "audio/mpeg"], ["image", FAKE_PNG, "image/png"]] as const) {
      const res = await postJson(`${t.gatewayUrl}/${slug}/generate?kind=${kind}`, { prompt: "a cat" }, { "cf-aig-authorization": `Bearer ${t.token}` });
      expect(res.headers.get("content-type")).toBe(type);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
      const logId = res.headers.get("cf-aig-log-id")!;
      expect(await h.logRow(logId)).toMatchObject({ responseBytes: bytes.byteLength });
      // The JSON request stays readable beside the binary answer.
      expect(await h.payload(logId)).toMatchObject({ requestBody: '{"prompt":"a cat"}', requestBinaryType: null, responseBody: null, responseBinaryType: type });
    }
  });

  it.each(["huggingface", "baseten", "parallel"])("%s: reads usage from an OpenAI-compatible chat answer", async (slug) => {
    const { t } = await seeded(slug);
    // The fake echoes the body: what goes up as the request comes back as a chat answer with usage.
    const answer = { id: "c1", object: "chat.completion", model: "m-1", choices: [], usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 } };
    const res = await postJson(`${t.gatewayUrl}/${slug}/v1/chat/completions`, answer, { "cf-aig-authorization": `Bearer ${t.token}` });
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: slug, model: "m-1", tokensIn: 11, tokensOut: 4 });
  });

  it.each(LONG_TAIL_SLUGS)("%s: compat and REST refuse {slug}/{model} with a 400 saying it is passthrough-only", async (slug) => {
    const { t } = await seeded(slug);
    for (const url of [`${t.gatewayUrl}/compat/chat/completions`, `${h.url}/ai/v1/chat/completions`]) {
      const res = await postJson(url, chatBody(`${slug}/some-model`), { ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug });
      expect(res.status, url).toBe(400);
      const body = await json<{ error: { message: string; code: string } }>(res);
      expect(body.error.message).toContain("only through passthrough");
      expect(body.error.message).toContain(`/${slug}/`);
    }
    expect(fake.requests.some((r) => r.path.includes("chat/completions") && r.slug === slug && r.rawBody.includes("some-model"))).toBe(false);
  });
});
