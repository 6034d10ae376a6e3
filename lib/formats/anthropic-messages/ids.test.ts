import { describe, expect, it } from "vitest";
import type { ChatResponse, SseEvent } from "@/lib/formats/canonical";
import { readToolUseId, toolUseId } from "./ids";
import { decodeRequest } from "./request";
import { encodeResponse } from "./response";
import { streamEncoder } from "./stream";

const SIGNATURE = "CiQB0e2Kb+/sig==";

/** A Gemini answer with a signed call, as the canonical form holds it. */
const signedCall: ChatResponse = {
  id: "gemini-1",
  model: "gemini-3-pro-preview",
  created: 0,
  message: {
    content: null,
    tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' }, signature: SIGNATURE }],
  },
  finish_reason: "tool_calls",
};

describe("a tool call's signature in the tool_use id", () => {
  it("round-trips through the id, and ids without one are left alone", () => {
    expect(readToolUseId(toolUseId("call_1", SIGNATURE))).toEqual({ id: "call_1", signature: SIGNATURE });
    expect(toolUseId("toolu_01", undefined)).toBe("toolu_01");
    expect(readToolUseId("toolu_01")).toEqual({ id: "toolu_01" });
  });

  it("reaches the client on a whole answer and in a stream, and comes back on the call, not on its result", () => {
    const whole = encodeResponse(signedCall) as { content: { id: string }[] };
    const id = whole.content[0]!.id;
    expect(id).toBe(toolUseId("call_1", SIGNATURE));

    const encoder = streamEncoder();
    const events: SseEvent[] = [
      ...encoder.push({ type: "start", id: "gemini-1", model: "gemini-3-pro-preview", created: 0 }),
      ...encoder.push({ type: "tool_call_start", index: 0, id: "call_1", name: "get_weather", signature: SIGNATURE }),
    ];
    expect(events.map((e) => e.data).join("\n")).toContain(JSON.stringify(id));

    const request = decodeRequest({
      model: "google-ai-studio/gemini-3-pro-preview",
      max_tokens: 100,
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id, name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "sunny" }] },
      ],
    });
    expect(request.messages[1]).toMatchObject({ tool_calls: [{ id: "call_1", signature: SIGNATURE }] });
    expect(request.messages[2]).toEqual({ role: "tool", tool_call_id: "call_1", content: "sunny" });
  });
});
