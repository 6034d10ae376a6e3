import type { StreamCodec } from "@/lib/formats/stream-codec";
import { estimateOpenAiChatUsage } from "./estimate-usage";
import { tapOpenAiStream } from "./sse";
import { openAiStreamErrorEvent } from "./stream-error";

/** OpenAI Chat Completions streams: what every surface and provider speaks today. */
export const openAiChatStreamCodec: StreamCodec = {
  tap: tapOpenAiStream,
  errorEvent: openAiStreamErrorEvent,
  estimateUsage: estimateOpenAiChatUsage,
};
