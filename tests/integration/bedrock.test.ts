import Anthropic from "@anthropic-ai/sdk";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { FinalizeRequestMiddleware, MetadataBearer } from "@smithy/types";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventStreamReader } from "@/lib/formats/bedrock-converse";
import { costMicros } from "@/lib/pricing/cost";
import { InvalidInputError } from "@/lib/services/errors";
import { FAKE_BEDROCK_CONTENT, FAKE_BEDROCK_KEY, FAKE_BEDROCK_USAGE, startFakeBedrock, type FakeBedrock } from "../fake-providers/bedrock";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const PROFILE = `us.${MODEL}`;
const { inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens } = FAKE_BEDROCK_USAGE;
/** The log's view of the fake's usage: input counts the cache reads and writes too. */
const LOGGED = { input: inputTokens + cacheReadInputTokens + cacheWriteInputTokens, output: outputTokens, cached: cacheReadInputTokens, cacheWrite: cacheWriteInputTokens };
const WEATHER_PARAMETERS = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const WEATHER: OpenAI.Chat.ChatCompletionTool[] = [{ type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: WEATHER_PARAMETERS } }];

describeGateway("Amazon Bedrock", (h) => {
  let fake: FakeBedrock;
  beforeAll(async () => {
    fake = await startFakeBedrock();
  });
  afterAll(() => fake.close());

  /** A team with a stored Bedrock key (AWS credentials as JSON) whose base URL is the fake. */
  async function seeded(alias?: string, credentials: Record<string, string> = FAKE_BEDROCK_KEY): Promise<{ t: SeededTeam; secret: string }> {
    const t = await h.seed({ storedKey: false });
    const secret = await addKey(t, { provider: "aws-bedrock", baseUrl: fake.origin, secret: JSON.stringify(credentials), alias });
    return { t, secret };
  }

  function lastUpstream(model: string) {
    const seen = fake.requests.filter((r) => r.model === model).at(-1);
    if (!seen) throw new Error(`the fake Bedrock received no request for ${model}`);
    return seen;
  }

  async function logOf(team: SeededTeam) {
    const rows = await h.logRows(team.team.id);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  describe("the OpenAI SDK, translated through Converse", () => {
    it.each(["compat", "ai/v1"])("%s: streams a tool call, signed with the stored key, and logs usage with cache tokens", async (surface) => {
      const { t } = await seeded();
      const client =
        surface === "compat"
          ? new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 })
          : new OpenAI({ baseURL: `${h.url}/ai/v1`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug } });
      const stream = await client.chat.completions.create({
        model: `aws-bedrock/${PROFILE}`,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: WEATHER,
        stream: true,
        stream_options: { include_usage: true },
      });
      const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | null | undefined;
      const models = new Set<string>();
      for await (const chunk of stream) {
        models.add(chunk.model);
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          const seen = calls.get(call.index) ?? { arguments: "" };
          seen.id ??= call.id;
          seen.name ??= call.function?.name;
          seen.arguments += call.function?.arguments ?? "";
          calls.set(call.index, seen);
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect([...calls.values()]).toEqual([{ id: "tooluse_fake0", name: "get_weather", arguments: JSON.stringify({ city: "fake-city" }) }]);
      expect(finish).toBe("tool_calls");
      expect([...models]).toEqual([PROFILE]);
      expect(usage).toMatchObject({ prompt_tokens: LOGGED.input, completion_tokens: outputTokens, prompt_tokens_details: { cached_tokens: cacheReadInputTokens } });

      const upstream = lastUpstream(PROFILE);
      // The fake verified the SigV4 signature with aws4 before answering; this is whose it was.
      expect(upstream.signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);
      expect(upstream.path).toBe(`/model/${encodeURIComponent(PROFILE)}/converse-stream`);
      expect(upstream.body?.toolConfig).toEqual({ tools: [{ toolSpec: { name: "get_weather", description: "Weather of a city", inputSchema: { json: WEATHER_PARAMETERS } } }] });
      expect(JSON.stringify(upstream.headers)).not.toContain(t.token);

      const row = await logOf(t);
      expect(row).toMatchObject({ provider: "aws-bedrock", model: PROFILE, stream: true, statusCode: 200, tokensIn: LOGGED.input, tokensOut: outputTokens, tokensCached: cacheReadInputTokens });
      expect(row.costMicros).toBe(costMicros("aws-bedrock", PROFILE, LOGGED).micros);
      expect(row.costMicros).toBeGreaterThan(0);
    });

    it("answers a whole completion and carries the tool result back as a toolResult block", async () => {
      const { t } = await seeded();
      const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      const first = await client.chat.completions.create({ model: `aws-bedrock/${MODEL}`, messages: [{ role: "user", content: "Weather in Paris?" }], tools: WEATHER });
      // Converse names neither: the model asked for, and an id of the gateway's.
      expect(first.model).toBe(MODEL);
      expect(first.id).toMatch(/^bedrock-[0-9a-f]{32}$/);
      const call = first.choices[0]!.message.tool_calls![0]!;
      expect(first.choices[0]!.finish_reason).toBe("tool_calls");
      const second = await client.chat.completions.create({
        model: `aws-bedrock/${MODEL}`,
        tools: WEATHER,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Weather in Paris?" },
          first.choices[0]!.message,
          { role: "tool", tool_call_id: call.id, content: '{"sunny":true}' },
        ],
      });
      expect(second.choices[0]!.message.content).toBe(FAKE_BEDROCK_CONTENT);
      const upstream = lastUpstream(MODEL);
      expect(upstream.body?.system).toEqual([{ text: "Be brief." }]);
      expect((upstream.body?.messages as unknown[])[2]).toEqual({ role: "user", content: [{ toolResult: { toolUseId: call.id, content: [{ json: { sunny: true } }], status: "success" } }] });
    });

    it("refuses what Converse cannot carry with a 400 naming the field", async () => {
      const { t } = await seeded();
      const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      await expect(client.chat.completions.create({ model: `aws-bedrock/${MODEL}`, messages: [{ role: "user", content: "hi" }], seed: 1 })).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining("seed"),
      });
    });

    it("ends a stream that Bedrock broke off with an exception frame in an error the SDK raises", async () => {
      const { t } = await seeded();
      const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: "aws-bedrock/fake-exception", messages: [{ role: "user", content: "hi" }], stream: true });
      let text = "";
      const read = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      };
      await expect(read()).rejects.toThrow(/failed mid-way/);
      expect(text).toBe("Hello ");
    });

    it("passes Bedrock's throttling on with its status and message", async () => {
      const { t } = await seeded();
      const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
      await expect(client.chat.completions.create({ model: "aws-bedrock/fake-error-429", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
        status: 429,
        message: expect.stringContaining("Too many requests"),
      });
    });
  });

  it("the Anthropic SDK on /ai/v1/messages streams from aws-bedrock/…", async () => {
    const { t } = await seeded();
    const client = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug } });
    const stream = client.messages.stream({ model: `aws-bedrock/${MODEL}`, max_tokens: 200, messages: [{ role: "user", content: "hi" }] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: "text", text: FAKE_BEDROCK_CONTENT, citations: null }].map(({ citations: _c, ...block }) => expect.objectContaining(block)));
    expect(message.usage).toMatchObject({ output_tokens: outputTokens, cache_read_input_tokens: cacheReadInputTokens, cache_creation_input_tokens: cacheWriteInputTokens });
    expect(lastUpstream(MODEL).body?.inferenceConfig).toEqual({ maxTokens: 200 });
  });

  describe("passthrough", () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);

    it("converse-stream with a stored key: the client gets Bedrock's binary frames, the log gets usage and cost with cache tokens", async () => {
      const { t } = await seeded();
      const res = await postJson(
        `${t.gatewayUrl}/aws-bedrock/bedrock-runtime/us-east-1/model/${encodeURIComponent(MODEL)}/converse-stream`,
        { messages: [{ role: "user", content: [{ text: "hi" }] }] },
        { "cf-aig-authorization": `Bearer ${t.token}` },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
      const reader = new EventStreamReader();
      const events = reader.push(new Uint8Array(await res.arrayBuffer()));
      expect(events.map((e) => e.event)).toContain("metadata");
      expect(events.filter((e) => e.event === "contentBlockDelta").map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text).join("")).toBe(FAKE_BEDROCK_CONTENT);
      expect(lastUpstream(MODEL).signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);

      const row = await logOf(t);
      expect(row).toMatchObject({ provider: "aws-bedrock", model: MODEL, stream: true, tokensIn: LOGGED.input, tokensOut: outputTokens, tokensCached: cacheReadInputTokens });
      expect(row.costMicros).toBe(costMicros("aws-bedrock", MODEL, LOGGED).micros);
      expect(row.costMicros).toBeGreaterThan(costMicros("aws-bedrock", MODEL, { ...LOGGED, cacheWrite: 0 }).micros);
    });

    it("the AWS SDK pointed at the gateway, its own signature swapped for the gateway token, uses the stored key: ConverseStream decodes in the SDK", async () => {
      const { t } = await seeded();
      const client = new BedrockRuntimeClient({
        region: "us-east-1",
        endpoint: `${t.gatewayUrl}/aws-bedrock/bedrock-runtime/us-east-1`,
        credentials: { accessKeyId: "AKIAUNUSEDBYGATEWAY0", secretAccessKey: "unused" },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      });
      const swapSignature: FinalizeRequestMiddleware<object, MetadataBearer> =
        (next) => async (args) => {
          const request = args.request as { headers: Record<string, string> };
          delete request.headers.authorization;
          request.headers["cf-aig-authorization"] = `Bearer ${t.token}`;
          return next(args);
        };
      client.middlewareStack.addRelativeTo(swapSignature, { relation: "after", toMiddleware: "httpSigningMiddleware", name: "gatewayToken" });
      const out = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "hi" }] }] }));
      let text = "";
      let usage: unknown;
      for await (const event of out.stream!) {
        text += event.contentBlockDelta?.delta?.text ?? "";
        usage ??= event.metadata?.usage;
      }
      client.destroy();
      expect(text).toBe(FAKE_BEDROCK_CONTENT);
      expect(usage).toMatchObject(FAKE_BEDROCK_USAGE);
      expect(lastUpstream(MODEL).signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);
      const row = await logOf(t);
      expect(row).toMatchObject({ model: MODEL, stream: true, tokensIn: LOGGED.input, tokensCached: cacheReadInputTokens });
    });

    it("invoke-with-response-stream for an Anthropic model: usage read from the chunks' Anthropic events", async () => {
      const { t } = await seeded();
      const res = await postJson(
        `${t.gatewayUrl}/aws-bedrock/bedrock-runtime/us-east-1/model/${MODEL}/invoke-with-response-stream`,
        { anthropic_version: "bedrock-2023-05-31", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
        { "cf-aig-authorization": `Bearer ${t.token}` },
      );
      expect(res.status).toBe(200);
      const frames = new Uint8Array(await res.arrayBuffer());
      const first = frames.subarray(0, new DataView(frames.buffer, frames.byteOffset).getUint32(0));
      expect(codec.decode(first).headers[":event-type"]?.value).toBe("chunk");
      const row = await logOf(t);
      expect(row).toMatchObject({ model: MODEL, stream: true, tokensIn: LOGGED.input, tokensOut: outputTokens, tokensCached: cacheReadInputTokens });
    });

    it("Mantle's Anthropic Messages path: signed for Mantle's service with the stored key, usage read as Anthropic's", async () => {
      const { t } = await seeded();
      const res = await postJson(
        `${t.gatewayUrl}/aws-bedrock/bedrock-mantle/us-east-1/anthropic/v1/messages`,
        { model: "anthropic.claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] },
        { "cf-aig-authorization": `Bearer ${t.token}`, "anthropic-version": "2023-06-01" },
      );
      expect(res.status).toBe(200);
      const upstream = lastUpstream("anthropic.claude-haiku-4-5");
      expect(upstream.path).toBe("/anthropic/v1/messages");
      expect(upstream.signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);
      const row = await logOf(t);
      expect(row).toMatchObject({ tokensIn: LOGGED.input, tokensOut: outputTokens, tokensCached: cacheReadInputTokens });
    });
  });

  describe("credentials", () => {
    it("a stored key the provider rejects is a 401 naming the provider and the key's alias, never the secret", async () => {
      const { t } = await seeded("ops", { ...FAKE_BEDROCK_KEY, secretAccessKey: "a-wrong-secret-never-shown" });
      for (const [path, body] of [
        ["compat/chat/completions", { model: `aws-bedrock/${MODEL}`, messages: [{ role: "user", content: "hi" }] }],
        [`aws-bedrock/bedrock-runtime/us-east-1/model/${MODEL}/converse`, { messages: [{ role: "user", content: [{ text: "hi" }] }] }],
      ] as const) {
        const res = await postJson(`${t.gatewayUrl}/${path}`, body, { ...bearer(t.token), "cf-aig-byok-alias": "ops" });
        // The fake answered 403 InvalidSignatureException: the gateway says which key, in its own words.
        const error = await expectGatewayError(res, 401, 2009);
        expect(error.error.message).toContain('aws-bedrock key "ops"');
        expect(JSON.stringify(error)).not.toContain("a-wrong-secret-never-shown");
        const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
        expect(row).toMatchObject({ statusCode: 401, provider: "aws-bedrock" });
        expect(row.errorMessage).toContain("HTTP 403");
      }
    });

    it("a malformed key is refused when it is stored, the message naming the field", async () => {
      const t = await h.seed({ storedKey: false });
      const { region: _region, ...withoutRegion } = FAKE_BEDROCK_KEY;
      await expect(addKey(t, { provider: "aws-bedrock", secret: JSON.stringify(withoutRegion) })).rejects.toThrow(InvalidInputError);
      await expect(addKey(t, { provider: "aws-bedrock", secret: JSON.stringify(withoutRegion) })).rejects.toThrow(/region/);
      await expect(addKey(t, { provider: "aws-bedrock", secret: JSON.stringify({ ...FAKE_BEDROCK_KEY, accessKeyId: "" }) })).rejects.toThrow(/accessKeyId/);
      await expect(addKey(t, { provider: "aws-bedrock", secret: "AKIA-not-json" })).rejects.toThrow(/accessKeyId.*secretAccessKey.*region/);
    });
  });
});
