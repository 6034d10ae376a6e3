import { FormatError } from "@/lib/formats/codec";
import type { JsonObject } from "@/lib/formats/json";

/**
 * OpenAI's embeddings request and answer, for providers whose own embeddings endpoint speaks
 * another format (Gemini's batchEmbedContents, Cohere's v2 embed): the request as the gateway
 * reads it before translating, and the answer it builds from theirs.
 */

export interface EmbeddingsRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  encoding_format?: "float" | "base64";
  user?: string;
}

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** An OpenAI embeddings body, validated; what cannot reach the provider's own embeddings is a FormatError naming it. */
export function readEmbeddingsRequest(body: JsonObject): EmbeddingsRequest {
  for (const key of Object.keys(body)) {
    if (!["model", "input", "dimensions", "encoding_format", "user"].includes(key)) throw new FormatError(`${key} cannot be carried to this provider's own embeddings.`, key);
  }
  if (typeof body.model !== "string" || body.model === "") throw new FormatError("model is required.", "model", "invalid_field");
  const input = body.input;
  if (!(typeof input === "string" || (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")))) {
    throw new FormatError("input must be a string or a non-empty list of strings: the provider embeds text, not token arrays.", "input");
  }
  const request: EmbeddingsRequest = { model: body.model, input };
  if (body.dimensions !== undefined) {
    if (typeof body.dimensions !== "number" || !Number.isInteger(body.dimensions) || body.dimensions < 1) {
      throw new FormatError("dimensions must be a positive whole number.", "dimensions", "invalid_field");
    }
    request.dimensions = body.dimensions;
  }
  if (body.encoding_format !== undefined) {
    if (body.encoding_format !== "float" && body.encoding_format !== "base64") throw new FormatError('encoding_format must be "float" or "base64".', "encoding_format", "invalid_field");
    request.encoding_format = body.encoding_format;
  }
  if (typeof body.user === "string") request.user = body.user;
  return request;
}

/** `encoding_format: "base64"` as OpenAI does it: the little-endian float32 bytes, base64-encoded. */
export function base64Floats(values: number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return Buffer.from(view.buffer).toString("base64");
}
