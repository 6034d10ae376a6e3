import { describe, expect, it } from "vitest";
import { nativePath } from "../types";
import { cohere } from "./index";

describe("the cohere provider", () => {
  it.each([
    ["v2/chat", "cohere-chat"],
    ["v2/chat/", "cohere-chat"],
    ["v2/embed", "cohere-chat"],
    ["v2/embed?x=1", "cohere-chat"],
    ["v1/embed", "cohere-chat"],
    ["compatibility/v1/chat/completions", "openai-chat"],
    ["compatibility/v1/embeddings", "openai-chat"],
    ["v2/rerank", undefined],
    ["v1/models", undefined],
    ["v2/chatter", undefined],
  ] as const)("reads %s as %s", (path, format) => {
    expect(cohere.formatOfPath(path)).toBe(format);
  });

  it("puts a key in Authorization as a bearer token, and is called in v2 chat", async () => {
    const call = { method: "POST", baseUrl: cohere.baseUrl!, path: "v2/chat", headers: {}, body: "{}" };
    expect((await cohere.applyCredential(call, "co-key")).headers).toEqual({ authorization: "Bearer co-key" });
    expect(nativePath(cohere, "cohere-chat")).toBe("v2/chat");
    expect(nativePath(cohere, "openai-chat")).toBeUndefined();
  });
});
