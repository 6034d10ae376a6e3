import type { Codec } from "@/lib/formats/codec";
import { converseStreamErrorEvents, decodeConverseError, encodeConverseError } from "./error";
import { decodeConverseRequest, encodeConverseRequest } from "./request";
import { decodeConverseResponse, encodeConverseResponse } from "./response";
import { converseStreamDecoder, converseStreamEncoder } from "./stream";
import { usageFromConverseBody } from "./usage";

export { EVENT_STREAM_CONTENT_TYPE, EventStreamReader } from "./event-stream";
export { isAnthropicModelId } from "./request";

/**
 * Amazon Bedrock's Converse API (POST model/{modelId}/converse and converse-stream), a provider's
 * egress. Its streams are AWS binary event streams, read by EventStreamReader; no surface takes
 * Converse from clients, so the encoders say what a Converse client would read, unframed.
 */
export const bedrockConverseCodec: Codec = {
  format: "bedrock-converse",
  decodeRequest: decodeConverseRequest,
  encodeRequest: encodeConverseRequest,
  decodeResponse: decodeConverseResponse,
  encodeResponse: encodeConverseResponse,
  streamDecoder: converseStreamDecoder,
  streamEncoder: converseStreamEncoder,
  usageFromBody: usageFromConverseBody,
  decodeError: decodeConverseError,
  encodeError: encodeConverseError,
  streamErrorEvents: converseStreamErrorEvents,
};
