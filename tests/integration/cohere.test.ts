import Anthropic from "@anthropic-ai/sdk";
import { CohereClientV2, type Cohere } from "cohere-ai";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { costMicros } from "@/lib/pricing/cost";
import { FAKE_COHERE_CONTENT, FAKE_COHERE_STREAM_ERROR, FAKE_COHERE_TOOL_PLAN, FAKE_COHERE_USAGE, startFakeCohere, type FakeCohere } from "../fake-providers/cohere";
import { describeGateway } from "../support/harness";
import { bearer, json, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "command-a-03-2025";
const WEATHER_TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } } },
];
/** What the log bills: Cohere's billed units, not its token counts (lib/formats/cohere-chat/usage.ts). */
const BILLED = { input: FAKE_COHERE_USAGE.billed_units.input_tokens, output: FAKE_COHERE_USAGE.billed_units.output_tokens, cached: 0 };

describeGateway("Cohere: compat and REST translated to v2 chat, passthrough with usage, embeddings", (h) => {
  let fake: FakeCohere;
  beforeAll(async () => {
    fake = await startFakeCohere();
  });
  afterAll(() => fake.close());

  interface Seeded {
    t: SeededTeam;
    key: string;
    compat: OpenAI;
    rest: OpenAI;
  }

  async function seeded(): Promise<Seeded> {
    const t = await h.seed({ storedKey: false });
    const key = await addKey(t, { provider: "cohere", baseUrl: fake.origin });
    return {
      t,
      key,
      compat: new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 }),
      rest: new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0 }),
    };
  }

  function upstreamWith(key: string) {
    const seen = fake.requests.filter((r) => r.headers.authorization === `Bearer ${key}`).at(-1);
    if (!seen) throw new Error(`the fake Cohere received no request with key ${key}`);
    return seen;
  }

  async function logOf(team: SeededTeam) {
    const rows = await h.logRows(team.team.id);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  /** The streamed tool calls an OpenAI client reassembles from its chunks. */
  async function streamedCalls(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>) {
    const calls: { id: string; name: string; arguments: string }[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let text = "";
    const models = new Set<string>();
    for await (const chunk of stream) {
      models.add(chunk.model);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = (calls[call.index] ??= { id: "", name: "", arguments: "" });
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? "";
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return { calls, finish, usage, text, models: [...models] };
  }

  it("compat → cohere/…: the OpenAI SDK gets a v2 chat answer in its shape, and the log bills Cohere's billed units", async () => {
    const { t, key, compat } = await seeded();
    const completion = await compat.chat.completions.create({
      model: `cohere/${MODEL}`,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      temperature: 0.3,
      top_p: 0.5,
      max_tokens: 100,
    });
    expect(completion.choices[0]?.message.content).toBe(FAKE_COHERE_CONTENT);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    // Cohere's answer names no model: the client is told the one it asked for.
    expect(completion.model).toBe(MODEL);
    expect(completion.usage).toMatchObject({ prompt_tokens: BILLED.input, completion_tokens: BILLED.output });

    const seen = upstreamWith(key);
    expect(seen.path).toBe("/v2/chat");
    expect(seen.body).toMatchObject({
      model: MODEL,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      temperature: 0.3,
      p: 0.5,
      max_tokens: 100,
    });
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);

    const row = await logOf(t);
    expect(row).toMatchObject({ provider: "cohere", model: MODEL, statusCode: 200, tokensIn: BILLED.input, tokensOut: BILLED.output, costMicros: costMicros("cohere", MODEL, BILLED).micros });
    expect(row.costMicros).toBeGreaterThan(0);
  });

  it("compat → cohere/…: streamed tool calls, their arguments in pieces, and the tool-result round trip", async () => {
    const { t, key, compat } = await seeded();
    const stream = await compat.chat.completions.create({
      model: `cohere/${MODEL}`,
      messages: [{ role: "user", content: "weather and time?" }],
      tools: WEATHER_TOOLS,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { calls, finish, usage } = await streamedCalls(stream);
    expect(finish).toBe("tool_calls");
    expect(calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ["get_weather", { city: "fake-city" }],
      ["get_time", { zone: "fake-zone" }],
    ]);
    expect(calls.every((c) => c.id.startsWith(`${c.name}_`))).toBe(true);
    expect(usage).toMatchObject({ prompt_tokens: BILLED.input, completion_tokens: BILLED.output });
    expect(upstreamWith(key).body).toMatchObject({ stream: true, tools: [{ type: "function", function: { name: "get_weather" } }, { function: { name: "get_time" } }] });

    const next = await compat.chat.completions.create({
      model: `cohere/${MODEL}`,
      tools: WEATHER_TOOLS,
      messages: [
        { role: "user", content: "weather and time?" },
        { role: "assistant", content: null, tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })) },
        ...calls.map((c) => ({ role: "tool" as const, tool_call_id: c.id, content: '{"ok":true}' })),
      ],
    });
    expect(next.choices[0]?.message.content).toBe(FAKE_COHERE_CONTENT);
    const sent = upstreamWith(key).body!;
    expect(sent.messages).toMatchObject([
      { role: "user" },
      { role: "assistant", tool_calls: [{ id: calls[0]!.id }, { id: calls[1]!.id }] },
      { role: "tool", tool_call_id: calls[0]!.id, content: '{"ok":true}' },
      { role: "tool", tool_call_id: calls[1]!.id },
    ]);
    const rows = await h.logRows(t.team.id);
    expect(rows.map((r) => [r.stream, r.tokensIn, r.tokensOut])).toEqual(
      expect.arrayContaining([
        [true, BILLED.input, BILLED.output],
        [false, BILLED.input, BILLED.output],
      ]),
    );
  });

  it("/ai/v1 → cohere/…: streamed tool calls to the OpenAI SDK, and a text stream", async () => {
    const { t, rest } = await seeded();
    const tools = await streamedCalls(await rest.chat.completions.create({ model: `cohere/${MODEL}`, messages: [{ role: "user", content: "weather?" }], tools: [WEATHER_TOOLS[0]!], stream: true }));
    expect(tools.finish).toBe("tool_calls");
    expect(JSON.parse(tools.calls[0]!.arguments)).toEqual({ city: "fake-city" });
    const text = await streamedCalls(await rest.chat.completions.create({ model: `cohere/${MODEL}`, messages: [{ role: "user", content: "hi" }], stream: true }));
    expect(text.text).toBe(FAKE_COHERE_CONTENT);
    expect(text.finish).toBe("stop");
    expect(text.models).toEqual([MODEL]);
    const rows = await h.logRows(t.team.id);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ provider: "cohere", stream: true, tokensIn: BILLED.input, tokensOut: BILLED.output });
  });

  it("/ai/v1 → cohere/…: Cohere's error keeps its status and words, and a mid-stream ERROR ends the OpenAI stream with an error", async () => {
    const { rest } = await seeded();
    const failed = await rest.chat.completions.create({ model: "cohere/fake-error-429", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((failed as Error).message).toContain("Trial key");

    const stream = await rest.chat.completions.create({ model: "cohere/fake-stream-error", messages: [{ role: "user", content: "hi" }], stream: true });
    const broken = await (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((e: unknown) => e);
    expect(String(broken)).toContain(FAKE_COHERE_STREAM_ERROR);
  });

  it("a stored Cohere key that Cohere rejects is a 401 (Cloudflare's 2009) naming the provider and the key's alias, never the secret", async () => {
    const t = await h.seed({ storedKey: false });
    const secret = await addKey(t, { provider: "cohere", alias: "cohere-prod", baseUrl: fake.origin });
    const headers = { ...bearer(t.token), "cf-aig-byok-alias": "cohere-prod" };
    for (const [url, model] of [
      [`${h.url}/ai/v1/chat/completions`, "cohere/fake-error-401"],
      [`${t.gatewayUrl}/cohere/v2/chat`, "fake-error-401"],
    ] as const) {
      const res = await postJson(url, { model, messages: [{ role: "user", content: "hi" }] }, headers);
      expect(res.status).toBe(401);
      const body = await res.text();
      expect(body).not.toContain(secret);
      const error = JSON.parse(body) as { internalCode?: number; error: { code: string; message: string } };
      expect(error.internalCode).toBe(2009);
      expect(error.error.code).toBe("provider_key_rejected");
      expect(error.error.message).toContain('cohere key "cohere-prod"');
      const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
      expect(row).toMatchObject({ provider: "cohere", statusCode: 401, success: false });
      expect(row.errorMessage).toContain("HTTP 401");
    }
  });

  it("/ai/v1 → cohere/…: what Cohere cannot carry is a 400 naming the field, and Cohere is not called", async () => {
    const { t, key } = await seeded();
    const cases: [Record<string, unknown>, string][] = [
      [{ logprobs: true }, "logprobs"],
      [{ n: 2 }, "n"],
      [{ tools: WEATHER_TOOLS, parallel_tool_calls: false }, "parallel_tool_calls"],
      [{ tool_choice: "required" }, "tool_choice"],
      [{ messages: "hi" }, "messages"],
    ];
    for (const [extra, field] of cases) {
      const res = await postJson(`${h.url}/ai/v1/chat/completions`, { model: `cohere/${MODEL}`, messages: [{ role: "user", content: "hi" }], ...extra }, bearer(t.token));
      expect(res.status, field).toBe(400);
      expect((await json<{ error: { message: string } }>(res)).error.message).toContain(field);
    }
    const embeddings = await postJson(`${h.url}/ai/v1/embeddings`, { model: "cohere/embed-v4.0", input: [[1, 2, 3]] }, bearer(t.token));
    expect(embeddings.status).toBe(400);
    expect((await json<{ error: { message: string } }>(embeddings)).error.message).toContain("input");
    expect(fake.requests.filter((r) => r.headers.authorization === `Bearer ${key}`)).toHaveLength(0);
  });

  it("the Anthropic SDK on /ai/v1/messages → cohere/…: translated both ways, streamed too", async () => {
    const { t, key } = await seeded();
    const client = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0 });
    const message = await client.messages.create({ model: `cohere/${MODEL}`, max_tokens: 200, system: "Be brief.", messages: [{ role: "user", content: "hi" }] });
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: FAKE_COHERE_CONTENT })]);
    expect(message.usage).toMatchObject({ input_tokens: BILLED.input, output_tokens: BILLED.output });
    expect(upstreamWith(key).body).toMatchObject({ max_tokens: 200, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }] });

    const stream = client.messages.stream({
      model: `cohere/${MODEL}`,
      max_tokens: 200,
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content.find((block) => block.type === "tool_use")).toMatchObject({ name: "get_weather", input: { city: "fake-city" } });
  });

  it("passthrough …/cohere/v2/chat: the cohere-ai SDK works through the gateway, and the log has usage and cost, streamed or not", async () => {
    const { t, key } = await seeded();
    const co = new CohereClientV2({ token: t.token, environment: `${t.gatewayUrl}/cohere`, maxRetries: 0 });
    const reply = await co.chat({ model: MODEL, messages: [{ role: "user", content: "hi" }], documents: [{ data: { snippet: "Hello is a greeting." } }] });
    expect(reply.message.content).toEqual([{ type: "text", text: FAKE_COHERE_CONTENT }]);
    // Passthrough keeps what translation cannot carry.
    expect(reply.message.citations?.[0]).toMatchObject({ text: "Hello" });
    expect(upstreamWith(key).path).toBe("/v2/chat");

    const events: Cohere.V2ChatStreamResponse[] = [];
    for await (const event of await co.chatStream({ model: MODEL, messages: [{ role: "user", content: "weather?" }], tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }] })) {
      events.push(event);
    }
    expect(events.flatMap((e) => (e.type === "tool-plan-delta" ? [e.delta?.message?.toolPlan ?? ""] : [])).join("")).toBe(FAKE_COHERE_TOOL_PLAN);
    expect(events.at(-1)).toMatchObject({ type: "message-end", delta: { finishReason: "TOOL_CALL" } });

    const rows = await h.logRows(t.team.id);
    expect(rows).toHaveLength(2);
    const cost = costMicros("cohere", MODEL, BILLED).micros;
    expect(rows.map((r) => [r.stream, r.tokensIn, r.tokensOut, r.costMicros])).toEqual(
      expect.arrayContaining([
        [false, BILLED.input, BILLED.output, cost],
        [true, BILLED.input, BILLED.output, cost],
      ]),
    );
    for (const row of rows) expect(row).toMatchObject({ provider: "cohere", model: MODEL, success: true });
  });

  it("/ai/v1/embeddings → cohere/…: translated to v2 embed and back, base64 too, with billed tokens and cost", async () => {
    const { t, key, rest } = await seeded();
    const floats = await rest.embeddings.create({ model: "cohere/embed-v4.0", input: ["one two", "three"], encoding_format: "float", dimensions: 8 });
    expect(floats.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    expect(floats.usage).toMatchObject({ prompt_tokens: 3, total_tokens: 3 });
    expect(upstreamWith(key)).toMatchObject({ path: "/v2/embed", body: { model: "embed-v4.0", texts: ["one two", "three"], input_type: "search_document", embedding_types: ["float"], output_dimension: 8 } });
    // The SDK asks for base64 and decodes it: the same vectors, to float32 precision.
    const decoded = await rest.embeddings.create({ model: "cohere/embed-v4.0", input: "one two", dimensions: 8 });
    decoded.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(floats.data[0]!.embedding[index]!, 5));

    const rows = await h.logRows(t.team.id);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.tokensIn === 3)).toMatchObject({ provider: "cohere", model: "embed-v4.0", costMicros: costMicros("cohere", "embed-v4.0", { input: 3, output: 0, cached: 0 }).micros });
  });

  it("passthrough …/cohere/v2/embed logs its billed tokens, and an embeddings error keeps Cohere's status and words", async () => {
    const { t } = await seeded();
    const co = new CohereClientV2({ token: t.token, environment: `${t.gatewayUrl}/cohere`, maxRetries: 0 });
    const res = await co.embed({ model: "embed-english-v3.0", texts: ["four five six seven"], inputType: "search_query", embeddingTypes: ["float"] });
    expect(res.embeddings.float?.length).toBe(1);
    const failed = await postJson(`${h.url}/ai/v1/embeddings`, { model: "cohere/fake-error-429", input: "a" }, bearer(t.token));
    expect(failed.status).toBe(429);
    expect((await json<{ error: { message: string } }>(failed)).error.message).toContain("Trial key");

    const rows = await h.logRows(t.team.id);
    expect(rows.find((r) => r.statusCode === 200)).toMatchObject({
      provider: "cohere",
      model: "embed-english-v3.0",
      tokensIn: 4,
      costMicros: costMicros("cohere", "embed-english-v3.0", { input: 4, output: 0, cached: 0 }).micros,
    });
    expect(rows.find((r) => r.statusCode === 429)).toMatchObject({ success: false });
  });
});
