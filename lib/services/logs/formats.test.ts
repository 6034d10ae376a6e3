import { describe, expect, it } from "vitest";
import { wireFormatName } from "./formats";

describe("wireFormatName", () => {
  it("names each wire format, and shows a name it does not know as stored", () => {
    expect(["openai-chat", "openai-responses", "anthropic-messages", "gemini", "bedrock-converse"].map(wireFormatName)).toEqual([
      "OpenAI Chat Completions",
      "OpenAI Responses",
      "Anthropic Messages",
      "Gemini API",
      "Amazon Bedrock Converse",
    ]);
    expect(wireFormatName("no-such-format")).toBe("no-such-format");
  });
});
