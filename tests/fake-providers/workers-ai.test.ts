import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_WORKERS_AI_CONTENT, FAKE_WORKERS_AI_USAGE, startFakeWorkersAi, type FakeWorkersAi } from "./workers-ai";

const MODEL = "@cf/meta/llama-3.1-8b-instruct";

/** No official Workers AI SDK is installed: its REST API is plain HTTP, which is what this checks. */
describe("the fake Workers AI", () => {
  let fake: FakeWorkersAi;
  beforeAll(async () => {
    fake = await startFakeWorkersAi();
  });
  afterAll(() => fake.close());

  const run = (body: unknown, token = fake.apiToken, model = MODEL) =>
    fetch(`${fake.baseUrl}/run/${model}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  it("answers a run in Cloudflare's envelope with the usage", async () => {
    const res = await run({ messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      result: { response: FAKE_WORKERS_AI_CONTENT, usage: { ...FAKE_WORKERS_AI_USAGE, total_tokens: FAKE_WORKERS_AI_USAGE.prompt_tokens + FAKE_WORKERS_AI_USAGE.completion_tokens } },
      success: true,
      errors: [],
      messages: [],
    });
  });

  it("calls the tools offered, in either shape, and answers text after a tool's result", async () => {
    const tools = [{ name: "a", parameters: { type: "object", properties: { city: { type: "string" } } } }, { type: "function", function: { name: "b" } }];
    const called = (await (await run({ prompt: "Hi", tools })).json()) as { result: { tool_calls: unknown[] } };
    expect(called.result.tool_calls).toEqual([{ name: "a", arguments: { city: "fake-city" } }, { name: "b", arguments: {} }]);
    const after = (await (await run({ messages: [{ role: "user", content: "Hi" }, { role: "tool", content: "sunny" }], tools })).json()) as { result: Record<string, unknown> };
    expect(after.result.response).toBe(FAKE_WORKERS_AI_CONTENT);
    expect(after.result.tool_calls).toBeUndefined();
  });

  it("streams words, the tool calls, the usage and [DONE]", async () => {
    const res = await run({ prompt: "Hi", stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = (await res.text()).split("\n\n").filter(Boolean).map((e) => e.replace(/^data: /, ""));
    expect(events.at(-1)).toBe("[DONE]");
    const data = events.slice(0, -1).map((e) => JSON.parse(e) as { response: string; usage?: unknown });
    expect(data.map((d) => d.response).join("")).toBe(FAKE_WORKERS_AI_CONTENT);
    expect(data.at(-1)?.usage).toMatchObject(FAKE_WORKERS_AI_USAGE);
  });

  it("refuses a wrong token, a wrong account, bad input and error modes in the error envelope", async () => {
    const wrongToken = await run({ prompt: "Hi" }, "nope");
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toMatchObject({ success: false, errors: [{ code: 10000 }] });
    const wrongAccount = await fetch(`${fake.origin}/client/v4/accounts/other/ai/run/${MODEL}`, { method: "POST", headers: { authorization: `Bearer ${fake.apiToken}` } });
    expect(wrongAccount.status).toBe(404);
    const chatField = await run({ prompt: "Hi", model: MODEL });
    expect(chatField.status).toBe(400);
    expect(await chatField.json()).toMatchObject({ errors: [{ code: 5006, message: expect.stringContaining("'model'") }] });
    expect((await run({})).status).toBe(400);
    const limited = await run({ prompt: "Hi" }, fake.apiToken, "@cf/meta/fake-error-429");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ success: false, errors: [{ code: 3040 }] });
  });

  it("serves the OpenAI-compatible endpoints to the openai SDK, streamed or not", async () => {
    const client = new OpenAI({ baseURL: `${fake.baseUrl}/v1`, apiKey: fake.apiToken, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0]?.message.content).toBe(fake.openai.content);
    let text = "";
    for await (const chunk of await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe(fake.openai.content);
    const embedded = await client.embeddings.create({ model: "@cf/baai/bge-m3", input: ["a", "b"] });
    expect(embedded.data).toHaveLength(2);
    const refused = new OpenAI({ baseURL: `${fake.baseUrl}/v1`, apiKey: "wrong", maxRetries: 0 });
    await expect(refused.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({ status: 401 });
  });
});
