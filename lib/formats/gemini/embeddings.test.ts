import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/codec";
import {
  decodeGeminiEmbeddingsRequest,
  decodeGeminiEmbeddingsResponse,
  encodeGeminiEmbeddingsRequest,
  encodeGeminiEmbeddingsResponse,
  readEmbeddingsRequest,
} from "./embeddings";

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof FormatError) return error.field;
    throw error;
  }
  throw new Error("expected a FormatError");
}

describe("OpenAI embeddings → Gemini", () => {
  it("sends every input as one batchEmbedContents request", () => {
    const request = readEmbeddingsRequest({ model: "gemini-embedding-001", input: ["a", "b"], dimensions: 768, user: "u" });
    expect(encodeGeminiEmbeddingsRequest(request)).toEqual({
      path: "v1beta/models/gemini-embedding-001:batchEmbedContents",
      body: {
        requests: [
          { model: "models/gemini-embedding-001", content: { parts: [{ text: "a" }] }, outputDimensionality: 768 },
          { model: "models/gemini-embedding-001", content: { parts: [{ text: "b" }] }, outputDimensionality: 768 },
        ],
      },
    });
    expect(encodeGeminiEmbeddingsRequest(readEmbeddingsRequest({ model: "text-embedding-004", input: "one" })).body).toEqual({
      requests: [{ model: "models/text-embedding-004", content: { parts: [{ text: "one" }] } }],
    });
  });

  it("answers in OpenAI's list shape, with usage when Gemini reports it and 0 when not", () => {
    const request = readEmbeddingsRequest({ model: "gemini-embedding-001", input: ["a", "b"] });
    expect(decodeGeminiEmbeddingsResponse({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }, request)).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.1, 0.2] },
        { object: "embedding", index: 1, embedding: [0.3, 0.4] },
      ],
      model: "gemini-embedding-001",
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(decodeGeminiEmbeddingsResponse({ embedding: { values: [1] }, usageMetadata: { promptTokenCount: 4 } }, request).usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it("encodes base64 as OpenAI does: little-endian float32 bytes", () => {
    const request = readEmbeddingsRequest({ model: "m", input: "a", encoding_format: "base64" });
    const [item] = decodeGeminiEmbeddingsResponse({ embeddings: [{ values: [1, -2.5] }] }, request).data;
    const bytes = Buffer.from(item!.embedding as string, "base64");
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([1, -2.5]);
  });

  it.each([
    [{ model: "m", input: [1, 2, 3] }, "input"],
    [{ model: "m", input: [] }, "input"],
    [{ model: "m", input: "a", encoding_format: "int8" }, "encoding_format"],
    [{ model: "m", input: "a", dimensions: 0 }, "dimensions"],
    [{ input: "a" }, "model"],
    [{ model: "m", input: "a", extra: 1 }, "extra"],
  ])("refuses %j", (body, field) => {
    expect(fieldOf(() => readEmbeddingsRequest(body))).toBe(field);
  });
});

describe("Gemini embeddings → OpenAI", () => {
  it("reads embedContent and batchEmbedContents bodies", () => {
    expect(decodeGeminiEmbeddingsRequest({ content: { parts: [{ text: "hello" }, { text: "world" }] }, outputDimensionality: 256 }, { model: "models/text-embedding-3-small", batch: false })).toEqual({
      model: "text-embedding-3-small",
      input: "hello\nworld",
      dimensions: 256,
    });
    expect(
      decodeGeminiEmbeddingsRequest(
        { requests: [{ model: "models/e", content: { parts: [{ text: "a" }] } }, { model: "models/e", content: { parts: [{ text: "b" }] } }] },
        { model: "e", batch: true },
      ),
    ).toEqual({ model: "e", input: ["a", "b"] });
  });

  it("writes the answer a Gemini client expects", () => {
    const openAi = { object: "list", data: [{ object: "embedding", index: 1, embedding: [2] }, { object: "embedding", index: 0, embedding: [1] }], model: "e", usage: { prompt_tokens: 2, total_tokens: 2 } };
    expect(encodeGeminiEmbeddingsResponse(openAi, true)).toEqual({ embeddings: [{ values: [1] }, { values: [2] }] });
    expect(encodeGeminiEmbeddingsResponse({ data: [{ index: 0, embedding: [5] }] }, false)).toEqual({ embedding: { values: [5] } });
  });

  it.each([
    [{ content: { parts: [{ text: "a" }] }, taskType: "RETRIEVAL_QUERY" }, false, "taskType"],
    [{ content: { parts: [{ inlineData: { mimeType: "image/png", data: "AA" } }] } }, false, "content.parts[0]"],
    [{ requests: [{ model: "models/other", content: { parts: [{ text: "a" }] } }] }, true, "requests[0].model"],
    [{ requests: [{ content: { parts: [{ text: "a" }] }, outputDimensionality: 8 }, { content: { parts: [{ text: "b" }] } }] }, true, "requests[1].outputDimensionality"],
    [{ requests: [] }, true, "requests"],
  ])("refuses %j", (body, batch, field) => {
    expect(fieldOf(() => decodeGeminiEmbeddingsRequest(body, { model: "e", batch }))).toBe(field);
  });
});
