import { anthropicMessagesCodec } from "./anthropic-messages";
import { bedrockConverseCodec } from "./bedrock-converse";
import type { Codec, WireFormat } from "./codec";
import { cohereChatCodec } from "./cohere-chat";
import { geminiCodec } from "./gemini";
import { openAiChatCodec } from "./openai-chat/codec";
import { openAiResponsesCodec } from "./openai-responses";
import { workersAiCodec } from "./workers-ai";

/** Every wire format's codec, by format. */
const codecs: Readonly<Record<WireFormat, Codec>> = {
  "openai-chat": openAiChatCodec,
  "openai-responses": openAiResponsesCodec,
  "anthropic-messages": anthropicMessagesCodec,
  gemini: geminiCodec,
  "cohere-chat": cohereChatCodec,
  "bedrock-converse": bedrockConverseCodec,
  "workers-ai": workersAiCodec,
};

export function codecFor(format: WireFormat): Codec {
  return codecs[format];
}

/** Whether a stored format name (a log row's) is one the gateway speaks. */
export function isWireFormat(value: string): value is WireFormat {
  return Object.hasOwn(codecs, value);
}
