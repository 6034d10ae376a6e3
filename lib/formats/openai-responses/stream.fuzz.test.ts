import fc from "fast-check";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { ChatStreamEvent } from "@/lib/formats/canonical";
import { openAiResponsesCodec } from "./index";

/** Canonical streams as decoders make them: a start, then text, reasoning and calls in any order, then finish and usage. */
const step = fc.oneof(
  fc.record({ type: fc.constant("text" as const), text: fc.string({ maxLength: 6 }) }),
  fc.record({ type: fc.constant("reasoning" as const), text: fc.string({ maxLength: 6 }) }),
  fc.record({ type: fc.constant("reasoning_end" as const), signature: fc.option(fc.base64String({ maxLength: 8 }), { nil: undefined }) }),
  fc.record({ type: fc.constant("redacted" as const), data: fc.base64String({ minLength: 4, maxLength: 8 }) }),
  fc.record({ type: fc.constant("call" as const), name: fc.constantFrom("f", "g"), signature: fc.option(fc.constant("sig"), { nil: undefined }) }),
  fc.record({ type: fc.constant("args" as const), which: fc.nat(4), text: fc.string({ maxLength: 6 }) }),
  fc.record({ type: fc.constant("restart" as const), which: fc.nat(4) }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function canonicalStream(steps: Step[], reason: "stop" | "length" | "tool_calls"): { events: ChatStreamEvent[]; text: string; args: string[] } {
  const events: ChatStreamEvent[] = [{ type: "start", id: "gen_1", model: "m", created: 1 }];
  let text = "";
  const args: string[] = [];
  for (const s of steps) {
    if (s.type === "text") {
      events.push(s);
      text += s.text;
    } else if (s.type === "reasoning") events.push(s);
    else if (s.type === "reasoning_end") events.push({ type: "reasoning_end", ...(s.signature !== undefined ? { signature: s.signature } : {}) });
    else if (s.type === "redacted") events.push({ type: "reasoning_end", redacted: s.data });
    else if (s.type === "call") {
      events.push({ type: "tool_call_start", index: args.length, id: `call_${args.length}`, name: s.name, ...(s.signature !== undefined ? { signature: s.signature } : {}) });
      args.push("");
    } else if (s.type === "restart") {
      if (args.length > 0) events.push({ type: "tool_call_start", index: s.which % args.length, id: "again", name: "again" });
    } else if (args.length > 0) {
      const index = s.which % args.length;
      events.push({ type: "tool_call_delta", index, arguments: s.text });
      args[index] += s.text;
    }
  }
  events.push({ type: "finish", reason }, { type: "usage", usage: { input: 3, output: 2 } });
  return { events, text, args };
}

describe("openai-responses stream encoder, fuzzed against the openai SDK", () => {
  it("writes, for any canonical stream, events the SDK accumulates into the same text and calls", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 14 }), fc.constantFrom("stop" as const, "length" as const, "tool_calls" as const), async (steps, reason) => {
        const { events, text, args } = canonicalStream(steps, reason);
        const encoder = openAiResponsesCodec.streamEncoder();
        const sse = [...events.flatMap((e) => encoder.push(e)), ...encoder.end()];
        const body = sse.map((e) => `event: ${e.event}\ndata: ${e.data}\n\n`).join("");
        const client = new OpenAI({
          apiKey: "sk-test",
          baseURL: "http://gateway.test/v1",
          maxRetries: 0,
          fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
        });
        const final = await client.responses.stream({ model: "m", input: "q" }).finalResponse();
        expect(final.output_text).toBe(text);
        expect(final.output.flatMap((item) => (item.type === "function_call" ? [item.arguments] : []))).toEqual(args);
        expect(final.status).toBe(reason === "length" ? "incomplete" : "completed");
        expect(final.usage?.total_tokens).toBe(5);
      }),
      { numRuns: 300 },
    );
  });
});
