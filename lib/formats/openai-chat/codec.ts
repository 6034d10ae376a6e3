import type { Codec } from "@/lib/formats/codec";
import { decodeError, encodeError, streamErrorEvents } from "./error";
import { decodeRequest, encodeRequest } from "./request";
import { decodeResponse, encodeResponse, usageFromBody } from "./response";
import { streamDecoder, streamEncoder } from "./stream";

export { OPENAI_CHAT_PATH, effortForBudget } from "./request";

/**
 * OpenAI Chat Completions (POST /v1/chat/completions), the canonical form itself: decoding checks
 * and narrows, encoding writes it for OpenAI and the providers that copy it. What each direction
 * keeps, ignores and refuses is documented in request.ts, response.ts and stream.ts.
 */
export const openAiChatCodec: Codec = {
  format: "openai-chat",
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  streamDecoder,
  streamEncoder,
  usageFromBody,
  decodeError,
  encodeError,
  streamErrorEvents,
};
