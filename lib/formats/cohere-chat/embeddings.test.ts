import { describe, expect, it } from "vitest";
import { readEmbeddingsRequest } from "@/lib/formats/embeddings";
import { formatError } from "@/lib/formats/testing";
import { decodeCohereEmbeddingsResponse, encodeCohereEmbeddingsRequest } from "./embeddings";

describe("OpenAI embeddings ⇄ Cohere v2 embed", () => {
  it("asks for float search_document embeddings of the texts, with the dimensions", () => {
    expect(encodeCohereEmbeddingsRequest(readEmbeddingsRequest({ model: "embed-v4.0", input: "one", dimensions: 256 }))).toEqual({
      path: "v2/embed",
      body: { model: "embed-v4.0", texts: ["one"], input_type: "search_document", embedding_types: ["float"], output_dimension: 256 },
    });
  });

  it("reads the float vectors into OpenAI's list, base64 when asked, with the billed tokens", () => {
    const body = { id: "e", embeddings: { float: [[1, -2.5], [0.5, 0]] }, meta: { billed_units: { input_tokens: 6 } } };
    expect(decodeCohereEmbeddingsResponse(body, readEmbeddingsRequest({ model: "embed-v4.0", input: ["a", "b"] }))).toEqual({
      object: "list",
      model: "embed-v4.0",
      data: [
        { object: "embedding", index: 0, embedding: [1, -2.5] },
        { object: "embedding", index: 1, embedding: [0.5, 0] },
      ],
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
    const [first] = decodeCohereEmbeddingsResponse(body, readEmbeddingsRequest({ model: "m", input: "a", encoding_format: "base64" })).data;
    expect(Array.from(new Float32Array(Uint8Array.from(Buffer.from(first!.embedding as string, "base64")).buffer))).toEqual([1, -2.5]);
  });

  it("refuses an answer without float vectors", () => {
    expect(formatError(() => decodeCohereEmbeddingsResponse({ embeddings: { int8: [[1]] } }, readEmbeddingsRequest({ model: "m", input: "a" }))).field).toBe("embeddings.float");
  });
});
