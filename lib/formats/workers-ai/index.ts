import type { Codec } from "@/lib/formats/codec";
import { decodeWorkersAiError, encodeWorkersAiError, workersAiStreamErrorEvents } from "./error";
import { decodeWorkersAiRequest, encodeWorkersAiRequest } from "./request";
import { decodeWorkersAiResponse, encodeWorkersAiResponse, usageFromWorkersAiBody } from "./response";
import { workersAiStreamDecoder, workersAiStreamEncoder } from "./stream";

/** Cloudflare Workers AI's native text generation (`/ai/run/@cf/{author}/{model}`) in its API envelope. */
export const workersAiCodec: Codec = {
  format: "workers-ai",
  decodeRequest: decodeWorkersAiRequest,
  encodeRequest: encodeWorkersAiRequest,
  decodeResponse: decodeWorkersAiResponse,
  encodeResponse: encodeWorkersAiResponse,
  streamDecoder: workersAiStreamDecoder,
  streamEncoder: workersAiStreamEncoder,
  usageFromBody: usageFromWorkersAiBody,
  decodeError: decodeWorkersAiError,
  encodeError: encodeWorkersAiError,
  streamErrorEvents: workersAiStreamErrorEvents,
};
