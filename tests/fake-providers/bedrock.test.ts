import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand, InvokeModelWithResponseStreamCommand, type ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_BEDROCK_CONTENT, FAKE_BEDROCK_KEY, FAKE_BEDROCK_THINKING, FAKE_BEDROCK_USAGE, startFakeBedrock, type FakeBedrock } from "./bedrock";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";

/** The fake proven against AWS's own SDK: its signatures verify, its frames decode, its errors raise the SDK's exceptions. */
describe("the fake Bedrock, through @aws-sdk/client-bedrock-runtime", () => {
  let fake: FakeBedrock;
  let client: BedrockRuntimeClient;
  beforeAll(async () => {
    fake = await startFakeBedrock();
    client = sdk(FAKE_BEDROCK_KEY.secretAccessKey);
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  // The SDK speaks HTTP/2 to Bedrock by default; the fake (like the gateway's passthrough) is HTTP/1.1.
  function sdk(secretAccessKey: string, accessKeyId = FAKE_BEDROCK_KEY.accessKeyId, sessionToken?: string) {
    return new BedrockRuntimeClient({ region: "us-east-1", endpoint: fake.origin, credentials: { accessKeyId, secretAccessKey, sessionToken }, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  }

  it("answers Converse with text, stop reason and camelCase usage including the cache counts", async () => {
    const out = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
    expect(out.output?.message?.content).toEqual([{ text: FAKE_BEDROCK_CONTENT }]);
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage).toMatchObject({ ...FAKE_BEDROCK_USAGE, totalTokens: 18 + 9 + 40 + 12 });
    const seen = fake.requests.at(-1)!;
    expect(seen.model).toBe(MODEL);
    expect(seen.signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);
  });

  it("streams ConverseStream as binary frames the SDK decodes: text deltas, stop, metadata", async () => {
    const out = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
    const events: ConverseStreamOutput[] = [];
    for await (const event of out.stream!) events.push(event);
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? "").join("");
    expect(text).toBe(FAKE_BEDROCK_CONTENT);
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe("end_turn");
    expect(events.at(-1)?.metadata?.usage).toMatchObject(FAKE_BEDROCK_USAGE);
  });

  it("calls every tool with arguments from its schema, streamed as toolUse input pieces", async () => {
    const toolConfig = { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } }] };
    const whole = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Weather?" }] }], toolConfig }));
    expect(whole.stopReason).toBe("tool_use");
    expect(whole.output?.message?.content?.[0]?.toolUse).toEqual({ toolUseId: "tooluse_fake0", name: "get_weather", input: { city: "fake-city" } });

    const out = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Weather?" }] }], toolConfig }));
    let input = "";
    let start: unknown;
    for await (const event of out.stream!) {
      start ??= event.contentBlockStart?.start?.toolUse;
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? "";
    }
    expect(start).toEqual({ toolUseId: "tooluse_fake0", name: "get_weather" });
    expect(JSON.parse(input)).toEqual({ city: "fake-city" });

    const after = await client.send(
      new ConverseCommand({
        modelId: MODEL,
        toolConfig,
        messages: [
          { role: "user", content: [{ text: "Weather?" }] },
          { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_fake0", name: "get_weather", input: { city: "Paris" } } }] },
          { role: "user", content: [{ toolResult: { toolUseId: "tooluse_fake0", content: [{ json: { sunny: true } }], status: "success" } }] },
        ],
      }),
    );
    expect(after.output?.message?.content).toEqual([{ text: FAKE_BEDROCK_CONTENT }]);
  });

  it("reasons when asked through additionalModelRequestFields, with a signature", async () => {
    const out = await client.send(
      new ConverseStreamCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }], additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024 } } }),
    );
    let reasoning = "";
    let signature: string | undefined;
    for await (const event of out.stream!) {
      reasoning += event.contentBlockDelta?.delta?.reasoningContent?.text ?? "";
      signature ??= event.contentBlockDelta?.delta?.reasoningContent?.signature;
    }
    expect(reasoning).toBe(FAKE_BEDROCK_THINKING);
    expect(signature).toEqual(expect.any(String));
  });

  it("streams invoke for an Anthropic model as base64 chunks of Anthropic's events", async () => {
    const body = JSON.stringify({ anthropic_version: "bedrock-2023-05-31", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
    const whole = await client.send(new InvokeModelCommand({ modelId: MODEL, body, contentType: "application/json" }));
    expect(JSON.parse(new TextDecoder().decode(whole.body))).toMatchObject({ type: "message", content: [{ type: "text", text: FAKE_BEDROCK_CONTENT }] });
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: MODEL, body, contentType: "application/json" }));
    const types: string[] = [];
    for await (const event of out.body!) types.push((JSON.parse(new TextDecoder().decode(event.chunk!.bytes)) as { type: string }).type);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
  });

  it("raises the SDK's exceptions: throttling, a mid-stream exception, an unknown key, a wrong secret, a stale session token", async () => {
    await expect(client.send(new ConverseCommand({ modelId: "fake-error-429", messages: [{ role: "user", content: [{ text: "Hi" }] }] }))).rejects.toMatchObject({
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 429 },
    });
    const out = await client.send(new ConverseStreamCommand({ modelId: "fake-exception", messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
    const read = async () => {
      for await (const _event of out.stream!) {
        // read to the exception
      }
    };
    await expect(read()).rejects.toMatchObject({ name: "ModelStreamErrorException" });

    const stranger = sdk("whatever", "AKIAUNKNOWNKEY000000");
    await expect(stranger.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
      $metadata: { httpStatusCode: 403 },
    });
    const wrongSecret = sdk("not-the-secret");
    await expect(wrongSecret.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))).rejects.toMatchObject({
      name: "InvalidSignatureException",
      $metadata: { httpStatusCode: 403 },
    });
    fake.credentials.set("ASIAFAKETEMPORARY001", { secretAccessKey: "temporary-secret", sessionToken: "token-1" });
    const temporary = await sdk("temporary-secret", "ASIAFAKETEMPORARY001", "token-1").send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }));
    expect(temporary.stopReason).toBe("end_turn");
    await expect(sdk("temporary-secret", "ASIAFAKETEMPORARY001", "token-0").send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "Hi" }] }] }))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
    });
  });

  it("refuses what Bedrock refuses: turns that do not alternate, toolUse without a toolConfig", async () => {
    await expect(
      client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: "user", content: [{ text: "a" }] }, { role: "user", content: [{ text: "b" }] }] })),
    ).rejects.toMatchObject({ name: "ValidationException", $metadata: { httpStatusCode: 400 } });
    await expect(
      client.send(
        new ConverseCommand({
          modelId: MODEL,
          messages: [
            { role: "user", content: [{ text: "a" }] },
            { role: "assistant", content: [{ toolUse: { toolUseId: "t", name: "f", input: {} } }] },
            { role: "user", content: [{ toolResult: { toolUseId: "t", content: [{ text: "x" }] } }] },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });
});
