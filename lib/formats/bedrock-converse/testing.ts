import { EventStreamCodec, type MessageHeaders } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** For tests: one binary event-stream frame, as Bedrock writes them. */
export function eventFrame(type: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ":event-type": { type: "string", value: type },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "event" },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

/** For tests: an exception frame (`throttlingException`, `modelStreamErrorException`…). */
export function exceptionFrame(type: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ":exception-type": { type: "string", value: type },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "exception" },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}

export function concatFrames(frames: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(frames));
}

/** A ConverseStream of text, a tool call and usage with cache counts, as frames. */
export function converseStreamFrames(): Uint8Array[] {
  return [
    eventFrame("messageStart", { role: "assistant", p: "abc" }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { text: "Think" } } }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { reasoningContent: { signature: "sig-1" } } }),
    eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 1, delta: { text: "Héllo " } }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 1, delta: { text: "👋" } }),
    eventFrame("contentBlockStop", { contentBlockIndex: 1 }),
    eventFrame("contentBlockStart", { contentBlockIndex: 2, start: { toolUse: { toolUseId: "tooluse_1", name: "get_weather" } } }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 2, delta: { toolUse: { input: '{"city":' } } }),
    eventFrame("contentBlockDelta", { contentBlockIndex: 2, delta: { toolUse: { input: '"Paris"}' } } }),
    eventFrame("contentBlockStop", { contentBlockIndex: 2 }),
    eventFrame("messageStop", { stopReason: "tool_use" }),
    eventFrame("metadata", { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 37, cacheReadInputTokens: 20, cacheWriteInputTokens: 2 }, metrics: { latencyMs: 3 } }),
  ];
}
