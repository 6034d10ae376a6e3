import OpenAI from "openai";
import { expect, it } from "vitest";
import { describeGateway } from "../support/harness";
import type { SeededTeam } from "../support/seed";

describeGateway("the official openai SDK as a client", (h) => {
  const compatClient = (t: SeededTeam, apiKey = t.token) =>
    new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey, maxRetries: 0 });
  const restClient = (t: SeededTeam, defaultHeaders?: Record<string, string>) =>
    new OpenAI({ baseURL: `${h.url}/client/v4/accounts/${t.team.slug}/ai/v1`, apiKey: t.token, maxRetries: 0, defaultHeaders });

  it("creates a chat completion through compat", async () => {
    const t = await h.seed();
    const completion = await compatClient(t).chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello." }],
    });
    expect(completion.choices[0]?.message.content).toBe(h.fake.content);
    expect(completion.usage?.prompt_tokens).toBe(h.fake.usage.prompt_tokens);
    expect(h.upstreamWithKey(t.providerKey).body?.model).toBe("gpt-4o-mini");
  });

  it("streams a chat completion through compat and reads the gateway's headers", async () => {
    const t = await h.seed();
    const { data: stream, response } = await compatClient(t)
      .chat.completions.create({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: "Say hello." }],
        stream: true,
      })
      .withResponse();
    expect(response.headers.get("cf-aig-log-id")).toBeTruthy();
    let text = "";
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe(h.fake.content);
    expect(usageChunks).toBe(0);

    const row = await h.logRow(response.headers.get("cf-aig-log-id") ?? "");
    expect(row.tokensOut).toBe(h.fake.usage.completion_tokens);
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("gets the usage chunk in a stream when it asks for it", async () => {
    const t = await h.seed();
    const stream = await compatClient(t).chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const all = [];
    for await (const chunk of stream) all.push(chunk);
    expect(all.at(-1)?.usage?.total_tokens).toBe(h.fake.usage.prompt_tokens + h.fake.usage.completion_tokens);
  });

  it("lists models through compat", async () => {
    const t = await h.seed();
    const ids = [];
    for await (const model of compatClient(t).models.list()) ids.push(model.id);
    expect(ids.some((id) => id.startsWith("openai/"))).toBe(true);
  });

  it("creates and streams completions and embeddings against /ai/v1", async () => {
    const t = await h.seed();
    const client = restClient(t, { "cf-aig-gateway-id": t.gateway.slug });
    const completion = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello." }],
    });
    expect(completion.choices[0]?.message.content).toBe(h.fake.content);

    const stream = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello." }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(h.fake.content);

    const embeddings = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: ["one", "two three"] });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.usage.prompt_tokens).toBe(3);
  });

  it("works with the plain /ai/v1 base URL and the default gateway", async () => {
    const t = await h.seed();
    const client = new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: "Say hello." }],
    });
    expect(completion.object).toBe("chat.completion");
  });

  it("surfaces gateway and provider errors as the SDK's typed errors", async () => {
    const t = await h.seed();
    const unauthorized = await compatClient(t, `sy_${"B".repeat(43)}`)
      .chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorized as InstanceType<typeof OpenAI.AuthenticationError>).message).toMatch(/unauthori[sz]ed/i);

    const badProvider = await compatClient(t)
      .chat.completions.create({ model: "nosuch/model", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(badProvider).toBeInstanceOf(OpenAI.BadRequestError);

    const rateLimited = await compatClient(t)
      .chat.completions.create({ model: "openai/fake-error-429", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("rate_limit_exceeded");
  });
});
