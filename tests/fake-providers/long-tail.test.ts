import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_AUDIO, FAKE_PNG, LONG_TAIL_SLUGS, startFakeLongTail, type FakeLongTail } from "./long-tail";

/** A header each provider's docs show, carrying `key`. */
const AUTH: Record<string, (key: string) => Record<string, string>> = {
  huggingface: (key) => ({ authorization: `Bearer ${key}` }),
  replicate: (key) => ({ authorization: `Bearer ${key}` }),
  fal: (key) => ({ authorization: `Key ${key}` }),
  ideogram: (key) => ({ "Api-Key": key }),
  cartesia: (key) => ({ "X-API-Key": key, "Cartesia-Version": "2024-11-13" }),
  deepgram: (key) => ({ authorization: `Token ${key}` }),
  elevenlabs: (key) => ({ "xi-api-key": key }),
  baseten: (key) => ({ authorization: `Api-Key ${key}` }),
  parallel: (key) => ({ "x-api-key": key }),
};

// No SDK of these is installed: the fake is proved against each provider's documented headers.
describe("fake long-tail providers", () => {
  let fake: FakeLongTail;
  beforeAll(async () => {
    fake = await startFakeLongTail();
  });
  afterAll(() => fake.close());

  it.each(LONG_TAIL_SLUGS)("%s: takes its own auth scheme, echoes a binary body and serves audio and images", async (slug) => {
    const upload = await fetch(`${fake.origin}/${slug}/upload`, { method: "POST", headers: { ...AUTH[slug]!("k-1"), "content-type": "audio/wav" }, body: FAKE_AUDIO });
    expect(upload.status).toBe(200);
    expect(upload.headers.get("content-type")).toBe("audio/wav");
    expect(Buffer.from(await upload.arrayBuffer())).toEqual(FAKE_AUDIO);
    expect(fake.requests.at(-1)).toMatchObject({ slug, key: "k-1" });

    const image = await fetch(`${fake.origin}/${slug}/generate?kind=image`, { headers: AUTH[slug]!("k-1") });
    expect(Buffer.from(await image.arrayBuffer())).toEqual(FAKE_PNG);
    const audio = await fetch(`${fake.origin}/${slug}/speech?kind=audio`, { headers: AUTH[slug]!("k-1") });
    expect(audio.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await audio.arrayBuffer())).toEqual(FAKE_AUDIO);
  });

  it.each(LONG_TAIL_SLUGS)("%s: refuses another provider's scheme", async (slug) => {
    const other = slug === "deepgram" ? AUTH.fal! : AUTH.deepgram!;
    const res = await fetch(`${fake.origin}/${slug}/x`, { method: "POST", headers: other("k-1"), body: "{}" });
    expect(res.status).toBe(401);
  });
});
