import type { Codec } from "@/lib/formats/codec";
import { cohereStreamErrorEvents, decodeCohereError, encodeCohereError } from "./error";
import { decodeCohereRequest, encodeCohereRequest } from "./request";
import { decodeCohereResponse, encodeCohereResponse } from "./response";
import { cohereStreamDecoder, cohereStreamEncoder } from "./stream";
import { usageFromCohereBody } from "./usage";

/** Cohere's v2 Chat API (`POST /v2/chat`, JSON and server-sent events). */
export const cohereChatCodec: Codec = {
  format: "cohere-chat",
  decodeRequest: decodeCohereRequest,
  encodeRequest: encodeCohereRequest,
  decodeResponse: decodeCohereResponse,
  encodeResponse: encodeCohereResponse,
  streamDecoder: cohereStreamDecoder,
  streamEncoder: cohereStreamEncoder,
  usageFromBody: usageFromCohereBody,
  decodeError: decodeCohereError,
  encodeError: encodeCohereError,
  streamErrorEvents: cohereStreamErrorEvents,
};
