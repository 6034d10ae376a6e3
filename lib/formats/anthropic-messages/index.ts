import type { Codec } from "@/lib/formats/codec";
import { decodeError, encodeError, streamErrorEvents } from "./error";
import { decodeRequest, encodeRequest } from "./request";
import { decodeResponse, encodeResponse } from "./response";
import { streamDecoder, streamEncoder } from "./stream";
import { usageFromBody } from "./usage";

export { ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_MESSAGES_PATH, ANTHROPIC_THINKING_BUDGETS } from "./request";

/** Anthropic's Messages API (POST /v1/messages), both as a client's ingress and a provider's egress. */
export const anthropicMessagesCodec: Codec = {
  format: "anthropic-messages",
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
