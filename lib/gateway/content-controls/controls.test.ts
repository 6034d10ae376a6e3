import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors";
import { promptText } from "./controls";

describe("promptText", () => {
  it("reads the system and user turns' text in any ingress format, and not the assistant's", () => {
    expect(
      promptText("openai-chat", {
        model: "openai/gpt-4o-mini",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: [{ type: "text", text: "Hello" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }] },
          { role: "assistant", content: "Hi." },
          { role: "user", content: "Again" },
        ],
      }),
    ).toBe("Be brief.\n\nHello\n\nAgain");
    expect(promptText("anthropic-messages", { model: "openai/gpt-4o-mini", max_tokens: 5, system: "Be brief.", messages: [{ role: "user", content: "Hello" }] })).toBe("Be brief.\n\nHello");
  });

  it("refuses a body its format cannot read with a 400 naming the field", () => {
    let error: unknown;
    try {
      promptText("openai-chat", { model: "openai/gpt-4o-mini", messages: "hello" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).httpCode).toBe(400);
  });
});
