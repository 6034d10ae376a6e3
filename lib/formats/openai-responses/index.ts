import type { Codec } from "@/lib/formats/codec";
import { decodeError, encodeError } from "@/lib/formats/openai-chat/error";
import { responsesErrorEvent } from "./error";
import { decodeResponsesRequest, encodeResponsesRequest } from "./request";
import { decodeResponsesResponse, encodeResponsesResponse } from "./response";
import { ResponsesStreamDecoder, ResponsesStreamEncoder } from "./stream";
import { usageFromResponsesBody } from "./usage";

/** OpenAI's Responses API (POST /v1/responses), for clients of `/ai/v1/responses` and as a provider's format. */
export const openAiResponsesCodec: Codec = {
  format: "openai-responses",
  decodeRequest: decodeResponsesRequest,
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  encodeResponse: encodeResponsesResponse,
  streamDecoder: () => new ResponsesStreamDecoder(),
  streamEncoder: () => new ResponsesStreamEncoder(),
  usageFromBody: usageFromResponsesBody,
  decodeError,
  encodeError,
  // Without the stream's state, the count is unknown; the SDK raises the error whatever its number.
  streamErrorEvents: (error) => [responsesErrorEvent(error, 0)],
};
