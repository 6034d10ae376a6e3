import { anthropicMessagesCodec } from "./anthropic-messages";
import type { Codec, WireFormat } from "./codec";
import { geminiCodec } from "./gemini";
import { openAiChatCodec } from "./openai-chat/codec";
import { openAiResponsesCodec } from "./openai-responses";

/**
 * Every wire format's codec, by format. A codec registers here once it is complete; until then a
 * request that needs it is refused as unsupported rather than half-translated.
 */
const codecs: Partial<Record<WireFormat, Codec>> = {
  "anthropic-messages": anthropicMessagesCodec,
  gemini: geminiCodec,
  "openai-chat": openAiChatCodec,
  "openai-responses": openAiResponsesCodec,
};

/** Whether the gateway can read and write `format` yet. */
export function hasCodec(format: WireFormat): boolean {
  return codecs[format] !== undefined;
}

export function codecFor(format: WireFormat): Codec {
  const codec = codecs[format];
  if (!codec) throw new Error(`no codec for the ${format} wire format`);
  return codec;
}
