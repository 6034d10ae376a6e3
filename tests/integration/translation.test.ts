import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_USAGE, startFakeGemini, type FakeGemini } from "../fake-providers/gemini";
import { describeGateway } from "../support/harness";
import { addKey, type SeededTeam } from "../support/seed";

const CLAUDE = "claude-sonnet-4-5";
/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const GEMINI = "gemini-2.5-flash";
const WEATHER_TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } } },
];

describeGateway("chat completions translated to Anthropic and Gemini, and Anthropic Messages to OpenAI", (h) => {
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  /** A web server with an image at /cat.png, a page at /page.html and nothing else: where image URLs point. */
  let images: Server;
  let imagesOrigin: string;
  beforeAll(async () => {
    [anthropic, gemini] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
    images = createServer((req, res) => {
      if (req.url === "/cat.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
      else if (req.url === "/page.html") res.writeHead(200, { "content-type": "text/html" }).end("<p>no image</p>");
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
    imagesOrigin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  });
  afterAll(() => Promise.all([anthropic.close(), gemini.close(), new Promise((resolve) => images.close(resolve))]));

  interface Seeded {
    t: SeededTeam;
    anthropicKey: string;
    geminiKey: string;
    /** The openai SDK on compat. */
    compat: OpenAI;
    /** The openai SDK on the REST surface. */
    rest: OpenAI;
  }

  async function seeded(): Promise<Seeded> {
    const t = await h.seed();
    const anthropicKey = await addKey(t, { provider: "anthropic", baseUrl: anthropic.origin });
    const geminiKey = await addKey(t, { provider: "google-ai-studio", baseUrl: gemini.origin });
    return {
      t,
      anthropicKey,
      geminiKey,
      compat: new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 }),
      rest: new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 }),
    };
  }

  const anthropicUpstream = (key: string) => anthropic.requests.filter((r) => r.headers["x-api-key"] === key).at(-1)!;
  const geminiUpstream = (key: string) => gemini.requests.filter((r) => r.headers["x-goog-api-key"] === key).at(-1)!;

  it("compat → anthropic/…: system, max_tokens from the catalog, the answer and usage in OpenAI's shape, the log row", async () => {
    const { anthropicKey, compat } = await seeded();
    const { data: completion, response } = await compat.chat.completions
      .create({
        model: `anthropic/${CLAUDE}`,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi" },
        ],
        stop: ["never-appears"],
        temperature: 0.5,
      })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBe(FAKE_ANTHROPIC_USAGE.output_tokens);

    const seen = anthropicUpstream(anthropicKey);
    expect(seen.path).toBe("/v1/messages");
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body).toMatchObject({ model: CLAUDE, system: "Be brief.", messages: [{ role: "user" }], stop_sequences: ["never-appears"], temperature: 0.5 });
    expect(seen.body?.max_tokens).toBeGreaterThan(0);

    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "anthropic",
      model: CLAUDE,
      ingressFormat: "openai-chat",
      statusCode: 200,
      stream: false,
      tokensIn: FAKE_ANTHROPIC_USAGE.input_tokens,
      tokensOut: FAKE_ANTHROPIC_USAGE.output_tokens,
    });
    expect(row.costMicros).toBeGreaterThan(0);
    const payload = await h.payload(row.id);
    expect(JSON.parse(payload!.providerRequestBody!)).toMatchObject({ model: CLAUDE, system: "Be brief." });
    expect(JSON.parse(payload!.requestBody!)).toMatchObject({ model: `anthropic/${CLAUDE}` });
  });

  it("compat → anthropic/… streamed, with usage from message_start and message_delta in the client's usage chunk and the log", async () => {
    const { compat } = await seeded();
    const { data: stream, response } = await compat.chat.completions
      .create({ model: `anthropic/${CLAUDE}`, messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(FAKE_ANTHROPIC_CONTENT);
    expect(usage).toMatchObject({ prompt_tokens: FAKE_ANTHROPIC_USAGE.input_tokens, completion_tokens: FAKE_ANTHROPIC_USAGE.output_tokens });
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ stream: true, statusCode: 200, tokensIn: FAKE_ANTHROPIC_USAGE.input_tokens, tokensOut: FAKE_ANTHROPIC_USAGE.output_tokens });
  });

  it("compat → anthropic/…: parallel tool calls, streamed with their index and id, and the tool-result round trip", async () => {
    const { anthropicKey, compat } = await seeded();
    const stream = await compat.chat.completions.create({ model: `anthropic/${CLAUDE}`, messages: [{ role: "user", content: "weather and time?" }], tools: WEATHER_TOOLS, stream: true });
    const calls = new Map<number, { id?: string; name: string; arguments: string }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const part of chunk.choices[0]?.delta.tool_calls ?? []) {
        const call = calls.get(part.index) ?? { name: "", arguments: "" };
        if (part.id) call.id = part.id;
        call.name += part.function?.name ?? "";
        call.arguments += part.function?.arguments ?? "";
        calls.set(part.index, call);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("tool_calls");
    expect([...calls.keys()]).toEqual([0, 1]);
    expect(calls.get(0)).toMatchObject({ name: "get_weather" });
    expect(JSON.parse(calls.get(0)!.arguments)).toEqual({ city: "fake-city" });
    expect(calls.get(1)).toMatchObject({ name: "get_time" });
    expect(anthropicUpstream(anthropicKey).body?.tools).toEqual([
      expect.objectContaining({ name: "get_weather", input_schema: expect.objectContaining({ type: "object" }) }),
      expect.objectContaining({ name: "get_time" }),
    ]);

    const toolCalls = [...calls.values()].map((c) => ({ id: c.id!, type: "function" as const, function: { name: c.name, arguments: c.arguments } }));
    const next = await compat.chat.completions.create({
      model: `anthropic/${CLAUDE}`,
      tools: WEATHER_TOOLS,
      messages: [
        { role: "user", content: "weather and time?" },
        { role: "assistant", content: null, tool_calls: toolCalls },
        ...toolCalls.map((c) => ({ role: "tool" as const, tool_call_id: c.id, content: "sunny" })),
      ],
    });
    expect(next.choices[0]?.message.content).toBe(FAKE_ANTHROPIC_CONTENT);
    const results = anthropicUpstream(anthropicKey).body?.messages as { role: string; content: { type: string; tool_use_id?: string }[] }[];
    expect(results.at(-1)?.content.map((b) => [b.type, b.tool_use_id])).toEqual(toolCalls.map((c) => ["tool_result", c.id]));
  });

  it("compat → anthropic/…: what Anthropic cannot express is a 400 naming the field", async () => {
    const { compat } = await seeded();
    const failed = await compat.chat.completions.create({ model: `anthropic/${CLAUDE}`, messages: [{ role: "user", content: "hi" }], n: 2 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failed as Error).message).toContain("n");
    expect((failed as InstanceType<typeof OpenAI.APIError>).param).toBe("n");
  });

  it("compat → anthropic/…: a provider error keeps its status and message in OpenAI's shape, in a stream too", async () => {
    const { compat } = await seeded();
    const failed = await compat.chat.completions.create({ model: "anthropic/fake-error-429", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.RateLimitError);

    const stream = await compat.chat.completions.create({ model: "anthropic/fake-overloaded", messages: [{ role: "user", content: "hi" }], stream: true });
    const midway = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((e: unknown) => e);
    expect(midway).toBeInstanceOf(OpenAI.APIError);
  });

  it("compat → anthropic/…: a provider that breaks off mid-stream ends the client's stream with an error, logged 502 with the input message_start reported", async () => {
    const { compat } = await seeded();
    const { data: stream, response } = await compat.chat.completions
      .create({ model: "anthropic/fake-reset-4", messages: [{ role: "user", content: "hi" }], stream: true })
      .withResponse();
    let text = "";
    const cut = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(OpenAI.APIError);
    expect((cut as Error).message).toContain("broke off");
    expect(FAKE_ANTHROPIC_CONTENT.startsWith(text)).toBe(true);
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ statusCode: 502, success: false, stream: true });
    expect(row.errorMessage).toContain("broke off");
    expect(row.tokensIn).toBe(FAKE_ANTHROPIC_USAGE.input_tokens);
    // The output count arrives only with message_delta: it is estimated from what was streamed.
    expect(row.tokensOut).toBeGreaterThanOrEqual(Math.ceil(text.length / 4));
  });

  it("/ai/v1/chat/completions → google-ai-studio/…: answer, stream, tools, with the key in x-goog-api-key and usage with cached tokens", async () => {
    const { geminiKey, rest } = await seeded();
    const { data: completion, response } = await rest.chat.completions
      .create({ model: `google-ai-studio/${GEMINI}`, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }] })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe(FAKE_GEMINI_CONTENT);
    const seen = geminiUpstream(geminiKey);
    expect(seen.path).toBe(`/v1beta/models/${GEMINI}:generateContent`);
    expect(seen.body).toMatchObject({ systemInstruction: { parts: [{ text: "Be brief." }] } });
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({
      provider: "google-ai-studio",
      model: GEMINI,
      ingressFormat: "openai-chat",
      tokensIn: FAKE_GEMINI_USAGE.promptTokenCount,
      tokensCached: FAKE_GEMINI_USAGE.cachedContentTokenCount,
    });

    const stream = await rest.chat.completions.create({ model: `google-ai-studio/${GEMINI}`, messages: [{ role: "user", content: "hi" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(FAKE_GEMINI_CONTENT);
    expect(geminiUpstream(geminiKey).path).toBe(`/v1beta/models/${GEMINI}:streamGenerateContent`);

    const tools = await rest.chat.completions.create({ model: `google-ai-studio/${GEMINI}`, messages: [{ role: "user", content: "weather?" }], tools: WEATHER_TOOLS, tool_choice: { type: "function", function: { name: "get_weather" } } });
    expect(tools.choices[0]?.message.tool_calls?.map((c) => c.type === "function" && c.function.name)).toEqual(["get_weather"]);
  });

  it("images: a data URL goes to Gemini inline, an http URL is fetched and sent inline, Anthropic gets the URL itself", async () => {
    const { anthropicKey, geminiKey, compat } = await seeded();
    const dataUrl = `data:image/png;base64,${PNG.toString("base64")}`;
    const ask = (model: string, url: string) =>
      compat.chat.completions.create({
        model,
        messages: [{ role: "user", content: [{ type: "text", text: "what is it?" }, { type: "image_url", image_url: { url } }] }],
      });
    for (const url of [dataUrl, `${imagesOrigin}/cat.png`]) {
      await ask(`google-ai-studio/${GEMINI}`, url);
      const parts = (geminiUpstream(geminiKey).body?.contents as { parts: unknown[] }[])[0]!.parts;
      expect(parts[1]).toEqual({ inlineData: { mimeType: "image/png", data: PNG.toString("base64") } });
    }
    await ask(`anthropic/${CLAUDE}`, `${imagesOrigin}/cat.png`);
    const blocks = (anthropicUpstream(anthropicKey).body?.messages as { content: unknown[] }[])[0]!.content;
    expect(blocks[1]).toMatchObject({ type: "image", source: { type: "url", url: `${imagesOrigin}/cat.png` } });

    for (const [path, why] of [["/page.html", "not an image"], ["/missing.png", "404"]]) {
      const failed = await ask(`google-ai-studio/${GEMINI}`, `${imagesOrigin}${path}`).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
      expect((failed as Error).message).toContain("messages[0].content[1].image_url.url");
      expect((failed as Error).message).toContain(why);
    }
  });

  it("the Anthropic SDK on /ai/v1/messages → openai/…: translated both ways, streamed too", async () => {
    const { t } = await seeded();
    const client = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0 });
    const { data: message, response } = await client.messages
      .create({ model: "openai/gpt-4o-mini", max_tokens: 50, system: "Be brief.", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(message.content).toEqual([{ type: "text", text: h.fake.content }]);
    expect(message.usage.output_tokens).toBe(h.fake.usage.completion_tokens);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toContain("chat/completions");
    expect(seen.body).toMatchObject({ model: "gpt-4o-mini", messages: [{ role: "system", content: "Be brief." }, { role: "user" }] });
    const row = await h.logRow(response.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ provider: "openai", ingressFormat: "anthropic-messages", tokensOut: h.fake.usage.completion_tokens });

    const stream = client.messages.stream({ model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe(h.fake.content);
    expect(final.usage.output_tokens).toBe(h.fake.usage.completion_tokens);
    const streamed = await h.logRow((await stream.withResponse()).response.headers.get("cf-aig-log-id")!);
    expect(streamed).toMatchObject({ stream: true, statusCode: 200, tokensOut: h.fake.usage.completion_tokens });
  });
});
