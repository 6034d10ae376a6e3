import type { Codec } from "@/lib/formats/codec";
import { decodeGeminiError, encodeGeminiError, geminiStreamErrorEvents } from "./error";
import { decodeGeminiRequest, encodeGeminiRequest } from "./request";
import { decodeGeminiResponse, encodeGeminiResponse } from "./response";
import { geminiStreamDecoder, geminiStreamEncoder } from "./stream";
import { usageFromGeminiBody } from "./usage";

/** Google AI Studio's Generative Language API (v1beta generateContent and streamGenerateContent). */
export const geminiCodec: Codec = {
  format: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: encodeGeminiResponse,
  streamDecoder: geminiStreamDecoder,
  streamEncoder: geminiStreamEncoder,
  usageFromBody: usageFromGeminiBody,
  decodeError: decodeGeminiError,
  encodeError: encodeGeminiError,
  streamErrorEvents: geminiStreamErrorEvents,
};

export {
  decodeGeminiEmbeddingsRequest,
  readEmbeddingsRequest,
  decodeGeminiEmbeddingsResponse,
  encodeGeminiEmbeddingsRequest,
  encodeGeminiEmbeddingsResponse,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
} from "./embeddings";
