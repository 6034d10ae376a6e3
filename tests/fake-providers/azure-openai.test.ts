import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURE_ACCESS_DENIED, startFakeAzureOpenAI, type FakeAzureOpenAI } from "./azure-openai";
import { FAKE_DEFAULT_USAGE } from "./openai";

// The fake must speak Azure's URLs and errors well enough for the official SDK's Azure client.
describe("fake Azure OpenAI provider", () => {
  let fake: FakeAzureOpenAI;
  const client = (apiKey = "azure-key", apiVersion = "2024-10-21") => new AzureOpenAI({ endpoint: fake.origin, apiKey, apiVersion, maxRetries: 0 });
  beforeAll(async () => {
    fake = await startFakeAzureOpenAI();
    fake.deployments.set("chat-prod", "gpt-4o-2024-08-06");
  });
  afterAll(() => fake.close());

  it("answers a deployment's chat completion in the name of the model behind it", async () => {
    const res = await client().chat.completions.create({ model: "chat-prod", messages: [{ role: "user", content: "hi" }] });
    expect(res.model).toBe("gpt-4o-2024-08-06");
    expect(res.choices[0]?.message.content).toBe(fake.openai.content);
    expect(res.usage?.prompt_tokens).toBe(FAKE_DEFAULT_USAGE.prompt_tokens);
    const seen = fake.requests.at(-1)!;
    expect(seen).toMatchObject({ path: "/openai/deployments/chat-prod/chat/completions", query: { "api-version": "2024-10-21" }, deployment: "chat-prod" });
    expect(seen.headers["api-key"]).toBe("azure-key");
  });

  it("streams tool calls and usage", async () => {
    const stream = await client().chat.completions.create({
      model: "chat-prod",
      messages: [{ role: "user", content: "time?" }],
      tools: [{ type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } } }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = "";
    let usage: unknown;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(JSON.parse(args)).toEqual({ zone: "fake-zone" });
    expect(usage).toMatchObject({ completion_tokens: FAKE_DEFAULT_USAGE.completion_tokens });
  });

  it("serves the v1 API, the deployment named in the body", async () => {
    const v1 = new AzureOpenAI({ baseURL: `${fake.origin}/openai/v1`, apiKey: "azure-key", apiVersion: "preview", maxRetries: 0 });
    const res = await v1.responses.create({ model: "chat-prod", input: "hi" });
    expect(res.output_text).toBe(fake.openai.content);
    expect(fake.requests.at(-1)).toMatchObject({ path: "/openai/v1/responses", deployment: "chat-prod" });
  });

  it("answers Azure's 401 for a rejected key and its 404 without an api-version", async () => {
    fake.rejectedKeys.add("revoked");
    const denied = await client("revoked").chat.completions.create({ model: "chat-prod", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ status: 401, error: { code: "401", message: AZURE_ACCESS_DENIED } });

    const res = await fetch(`${fake.origin}/openai/deployments/chat-prod/chat/completions`, {
      method: "POST",
      headers: { "api-key": "azure-key", "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
  });
});
