import { FormatError, type EncodedRequest } from "@/lib/formats/codec";
import { base64Floats, type EmbeddingsRequest, type EmbeddingsResponse } from "@/lib/formats/embeddings";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { usageFromCohere } from "./usage";

/**
 * OpenAI embeddings → Cohere's v2 embed (`POST /v2/embed`) and back. Cohere's embedding models
 * (v3 and later) require an `input_type`, which OpenAI's request has no place for: the gateway
 * asks for `search_document`, the embedding of text to be stored and searched, what an OpenAI
 * embeddings call is most often for. `dimensions` → `output_dimension` (embed-v4 and later).
 * Vectors are asked for as floats; `encoding_format: "base64"` is done here, as OpenAI does it.
 * The usage is `meta.billed_units.input_tokens` (usage.ts).
 */

export const COHERE_EMBED_PATH = "v2/embed";

export function encodeCohereEmbeddingsRequest(request: EmbeddingsRequest): EncodedRequest {
  const body: JsonObject = {
    model: request.model,
    texts: typeof request.input === "string" ? [request.input] : request.input,
    input_type: "search_document",
    embedding_types: ["float"],
  };
  if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
  return { path: COHERE_EMBED_PATH, body };
}

export function decodeCohereEmbeddingsResponse(body: JsonObject, request: EmbeddingsRequest): EmbeddingsResponse {
  const floats = isJsonObject(body.embeddings) ? body.embeddings.float : body.embeddings;
  if (!Array.isArray(floats)) throw new FormatError("embeddings.float: Cohere's answer holds no float embeddings.", "embeddings.float", "invalid_field");
  const data = floats.map((values: unknown, index) => {
    if (!Array.isArray(values) || !values.every((value) => typeof value === "number")) {
      throw new FormatError(`embeddings.float[${index}] must be a list of numbers.`, `embeddings.float[${index}]`, "invalid_field");
    }
    return { object: "embedding" as const, index, embedding: request.encoding_format === "base64" ? base64Floats(values) : values };
  });
  const prompt = usageFromCohere(body.meta)?.input ?? 0;
  return { object: "list", data, model: request.model, usage: { prompt_tokens: prompt, total_tokens: prompt } };
}
