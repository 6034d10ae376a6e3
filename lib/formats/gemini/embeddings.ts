import { FormatError, type EncodedRequest } from "@/lib/formats/codec";
import { base64Floats, type EmbeddingsRequest, type EmbeddingsResponse } from "@/lib/formats/embeddings";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { geminiModelName } from "./request";
import { camelCaseFields } from "./wire-case";

/**
 * OpenAI embeddings ⇄ Gemini `embedContent` / `batchEmbedContents`.
 *
 * Out to Gemini, every OpenAI request becomes one `batchEmbedContents` call (one request per
 * input, so a single string is a batch of one): one call shape, the same answer shape. Token
 * arrays as `input` cannot be carried (Gemini embeds text). `encoding_format: "base64"` is done
 * here, as OpenAI does it: the little-endian float32 bytes, base64-encoded. `user` is ignored
 * (Gemini has no place for it and it changes no vector). Gemini reports no tokens for embeddings
 * on most models: the usage is `usageMetadata.promptTokenCount` when present, else 0.
 *
 * In from a Gemini client (for an OpenAI-family provider), `taskType` and `title` are refused:
 * they change the vector and OpenAI has no equivalent. A content's text parts are joined with a
 * newline into one input.
 */

export { readEmbeddingsRequest, type EmbeddingsRequest, type EmbeddingsResponse } from "@/lib/formats/embeddings";

export function encodeGeminiEmbeddingsRequest(request: EmbeddingsRequest): EncodedRequest {
  const model = geminiModelName(request.model);
  const inputs = typeof request.input === "string" ? [request.input] : request.input;
  const requests = inputs.map((text) => ({
    model: `models/${model}`,
    content: { parts: [{ text }] },
    ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
  }));
  return { path: `v1beta/models/${model}:batchEmbedContents`, body: { requests } };
}

/** Gemini's answer (batch or single) → OpenAI's list, in the encoding the client asked for. */
export function decodeGeminiEmbeddingsResponse(body: JsonObject, request: EmbeddingsRequest): EmbeddingsResponse {
  const embeddings = Array.isArray(body.embeddings) ? body.embeddings : isJsonObject(body.embedding) ? [body.embedding] : undefined;
  if (!embeddings) throw new FormatError("Gemini's answer holds no embeddings.", "embeddings", "invalid_field");
  const data = embeddings.map((embedding: unknown, index) => {
    const values = isJsonObject(embedding) ? embedding.values : undefined;
    if (!Array.isArray(values) || !values.every((value) => typeof value === "number")) {
      throw new FormatError(`embeddings[${index}].values must be a list of numbers.`, `embeddings[${index}].values`, "invalid_field");
    }
    return { object: "embedding" as const, index, embedding: request.encoding_format === "base64" ? base64Floats(values) : values };
  });
  const metadata = isJsonObject(body.usageMetadata) ? body.usageMetadata : {};
  const prompt = typeof metadata.promptTokenCount === "number" ? metadata.promptTokenCount : 0;
  return { object: "list", data, model: request.model, usage: { prompt_tokens: prompt, total_tokens: prompt } };
}

/**
 * A Gemini client's `embedContent` (batch false) or `batchEmbedContents` (batch true) body → an
 * OpenAI embeddings request; the model comes from the path.
 */
export function decodeGeminiEmbeddingsRequest(clientBody: JsonObject, hints: { model: string; batch: boolean }): EmbeddingsRequest {
  const body = camelCaseFields(clientBody) as JsonObject;
  const model = hints.model.replace(/^models\//, "");
  let items: { value: JsonObject; field: string }[];
  if (hints.batch) {
    if (!Array.isArray(body.requests) || body.requests.length === 0) throw new FormatError("requests must be a non-empty list.", "requests", "invalid_field");
    items = body.requests.map((value: unknown, index) => {
      if (!isJsonObject(value)) throw new FormatError(`requests[${index}] must be an object.`, `requests[${index}]`, "invalid_field");
      return { value, field: `requests[${index}]` };
    });
  } else {
    items = [{ value: body, field: "" }];
  }
  const at = (field: string, key: string) => (field === "" ? key : `${field}.${key}`);
  let dimensions: number | undefined;
  const input = items.map(({ value, field }, index) => {
    for (const key of Object.keys(value)) {
      if (!["model", "content", "outputDimensionality"].includes(key)) throw new FormatError(`${at(field, key)} cannot be carried to other providers' embeddings.`, at(field, key));
    }
    if (typeof value.model === "string" && value.model.replace(/^models\//, "") !== model) {
      throw new FormatError(`${at(field, "model")} must be the model in the path.`, at(field, "model"), "invalid_field");
    }
    const size = value.outputDimensionality;
    if (size !== undefined && (typeof size !== "number" || !Number.isInteger(size) || size < 1)) {
      throw new FormatError(`${at(field, "outputDimensionality")} must be a positive whole number.`, at(field, "outputDimensionality"), "invalid_field");
    }
    if (index > 0 && size !== dimensions) throw new FormatError(`${at(field, "outputDimensionality")} must be the same for every request.`, at(field, "outputDimensionality"));
    dimensions = size;
    return contentText(value.content, at(field, "content"));
  });
  return { model, input: hints.batch ? input : input[0]!, ...(dimensions === undefined ? {} : { dimensions }) };
}

function contentText(content: unknown, field: string): string {
  const parts = isJsonObject(content) ? content.parts : undefined;
  if (!Array.isArray(parts) || parts.length === 0) throw new FormatError(`${field} must be a content with parts.`, field, "invalid_field");
  return parts
    .map((part: unknown, index) => {
      if (!isJsonObject(part) || typeof part.text !== "string") throw new FormatError(`${field}.parts[${index}]: only text can be embedded by other providers.`, `${field}.parts[${index}]`);
      return part.text;
    })
    .join("\n");
}

/** An OpenAI embeddings answer → what a Gemini client expects from `batchEmbedContents` or `embedContent`. */
export function encodeGeminiEmbeddingsResponse(response: JsonObject, batch: boolean): JsonObject {
  const data = Array.isArray(response.data) ? response.data : [];
  const embeddings = data
    .filter(isJsonObject)
    .sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0))
    .map((item, index) => {
      if (!Array.isArray(item.embedding)) throw new FormatError(`data[${index}].embedding must be a list of numbers.`, `data[${index}].embedding`, "invalid_field");
      return { values: item.embedding };
    });
  if (batch) return { embeddings };
  if (embeddings.length !== 1) throw new FormatError("data must hold exactly one embedding for embedContent.", "data", "invalid_field");
  return { embedding: embeddings[0] };
}
