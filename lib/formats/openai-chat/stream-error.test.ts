import { describe, expect, it } from "vitest";
import { sseEventData } from "./sse";
import { openAiStreamErrorEvent } from "./stream-error";

describe("openAiStreamErrorEvent", () => {
  it("is one whole data event holding OpenAI's error object", () => {
    const event = openAiStreamErrorEvent({ message: 'broke "off"\nmid-way', code: "provider_error" });
    expect(event.endsWith("\n\n")).toBe(true);
    const data = sseEventData(event);
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0]!)).toEqual({
      error: { message: 'broke "off"\nmid-way', type: "api_error", code: "provider_error", param: null },
    });
  });
});
