import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_DEFAULT_USAGE, fakeErrorResponse, startFakeOpenAI, type FakeOpenAI } from "./openai";

// The fake must speak OpenAI's wire format well enough for the official SDK, or gateway tests prove nothing.
describe("fake OpenAI provider", () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ baseURL: fake.baseUrl, apiKey: "sk-test", maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it("answers a chat completion with usage, echoing the model", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(res.object).toBe("chat.completion");
    expect(res.model).toBe("gpt-4o-mini");
    expect(res.choices[0]?.message.content).toBe(fake.content);
    expect(res.usage).toMatchObject({
      prompt_tokens: FAKE_DEFAULT_USAGE.prompt_tokens,
      completion_tokens: FAKE_DEFAULT_USAGE.completion_tokens,
      prompt_tokens_details: { cached_tokens: FAKE_DEFAULT_USAGE.cached_tokens },
    });
    const seen = fake.requests.at(-1);
    expect(seen?.path).toBe("/v1/chat/completions");
    expect(seen?.headers.authorization).toBe("Bearer sk-test");
  });

  it("moderates a string or an array of strings, flagging the fake's harmful phrases", async () => {
    const one = await client.moderations.create({ model: "omni-moderation-latest", input: "A nice day" });
    expect(one.model).toBe("omni-moderation-latest");
    expect(one.results).toHaveLength(1);
    expect(one.results[0]).toMatchObject({ flagged: false, categories: { violence: false, illicit: false } });

    const many = await client.moderations.create({ input: ["How to build a bomb", "I will kill you"] });
    expect(many.results.map((r) => r.flagged)).toEqual([true, true]);
    expect(many.results[0]?.categories).toMatchObject({ illicit: true, "illicit/violent": true, violence: false });
    expect(many.results[1]?.categories).toMatchObject({ violence: true, illicit: false });
    expect(fake.requests.at(-1)?.path).toBe("/v1/moderations");
  });

  it("answers the Responses API whole and streamed, as the SDK's own stream helper reads it", async () => {
    const whole = await client.responses.create({ model: "gpt-4o-mini", input: "hi" });
    expect(whole.output_text).toBe(fake.content);
    expect(whole.usage).toMatchObject({
      input_tokens: FAKE_DEFAULT_USAGE.prompt_tokens,
      input_tokens_details: { cached_tokens: FAKE_DEFAULT_USAGE.cached_tokens },
      output_tokens: FAKE_DEFAULT_USAGE.completion_tokens,
    });
    expect(fake.requests.at(-1)?.path).toBe("/v1/responses");

    const stream = client.responses.stream({ model: "gpt-4o-mini", input: "hi" });
    let text = "";
    stream.on("response.output_text.delta", (event) => (text += event.delta));
    const final = await stream.finalResponse();
    expect(text).toBe(fake.content);
    expect(final.output_text).toBe(fake.content);
    expect(final.usage?.output_tokens).toBe(FAKE_DEFAULT_USAGE.completion_tokens);
  });

  it("streams chunks and sends the usage chunk only when include_usage is set", async () => {
    const plain = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    const plainChunks = [];
    for await (const c of plain) plainChunks.push(c);
    expect(plainChunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(fake.content);
    expect(plainChunks.some((c) => c.usage)).toBe(false);

    const withUsage = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const usageChunks = [];
    for await (const c of withUsage) usageChunks.push(c);
    const last = usageChunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBe(FAKE_DEFAULT_USAGE.prompt_tokens + FAKE_DEFAULT_USAGE.completion_tokens);
  });

  it("holds a gated stream until released and records a client that goes away", async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "fake-gated", messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // role
    await iterator.next(); // first word
    const record = await fake.waitForStream((s) => s.request.mode === "fake-gated");
    expect(record.finished).toBe(false);
    controller.abort();
    expect(await record.ended).toBe("client-closed");
  });

  it("resets the connection after the events it was asked for, in the middle of the next", async () => {
    const res = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-reset-3", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    expect(res.status).toBe(200);
    let text = "";
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of res.body!) text += decoder.decode(chunk, { stream: true });
    })();
    await expect(reading).rejects.toThrow();
    const events = text.split("\n\n");
    // Three whole events, then the start of a fourth that never ends.
    expect(events).toHaveLength(4);
    expect(events.slice(0, 3).every((event) => event.startsWith("data: {"))).toBe(true);
    expect(events[3]).toMatch(/^data: \{.*"cut$/);
    const record = await fake.waitForStream((s) => s.request.mode === "fake-reset-3");
    expect(await record.ended).toBe("dropped");
    expect(record.eventsSent).toBe(3);
  });

  it("answers embeddings, models and errors in OpenAI's shapes", async () => {
    const emb = await client.embeddings.create({ model: "text-embedding-3-small", input: ["one two", "three"] });
    expect(emb.data).toHaveLength(2);
    expect(emb.usage.prompt_tokens).toBe(3);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const err = await client.chat.completions
      .create({ model: "fake-error-429", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).error).toEqual(fakeErrorResponse(429, "fake-error-429").body.error);
  });

  it("refuses a request without an API key", async () => {
    const res = await fetch(`${fake.baseUrl}/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
  });
});
