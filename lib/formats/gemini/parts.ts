import type { ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * A model turn's parts ⇄ an assistant message, shared by requests (history) and responses.
 *
 * Thought parts (`thought: true`) are reasoning blocks. A `thoughtSignature` on a thought part
 * stays on its block; one on a functionCall part stays on that tool call (`ToolCall.signature`),
 * since Gemini requires it back on the same call; one on a plain text part (often an empty text
 * part at the end of a stream) closes the reasoning still open before it (no text or call since),
 * else stands as a new empty block. Consecutive thought parts are one block, as a stream's thought
 * chunks are. Streamed and non-streamed answers reassemble the same way.
 */
export interface ModelTurn {
  text: string | null;
  reasoning: ReasoningBlock[];
  toolCalls: ToolCall[];
}

/** Gemini calls carry no id before Gemini 3: a stable one is made from the call's position. */
export type CallIdOf = (index: number) => string;

/** Ids this codec makes up for calls that came without one; they are not sent back to Gemini. */
export function isGeneratedCallId(id: string): boolean {
  return /^call_\d+(?:_\d+)?$/.test(id);
}

export function readModelParts(parts: unknown, field: string, callIdOf: CallIdOf): ModelTurn {
  if (!Array.isArray(parts)) throw new FormatError(`${field} must be a list of parts.`, field, "invalid_field");
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  const toolCalls: ToolCall[] = [];
  // A signature closes the reasoning block still open before it, as the stream decoder sees it.
  let open = false;
  const sign = (signature: string | undefined) => {
    if (signature === undefined) return;
    const last = reasoning.at(-1);
    if (open && last?.type === "thinking" && last.signature === undefined) last.signature = signature;
    else reasoning.push({ type: "thinking", text: "", signature });
    open = false;
  };
  parts.forEach((part: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isJsonObject(part)) throw new FormatError(`${at} must be a part object.`, at, "invalid_field");
    const signature = optionalString(part.thoughtSignature, `${at}.thoughtSignature`);
    if (isJsonObject(part.functionCall)) {
      open = false;
      toolCalls.push(readFunctionCall(part.functionCall, `${at}.functionCall`, callIdOf(toolCalls.length), signature));
    } else if (typeof part.text === "string" && part.thought === true) {
      const last = reasoning.at(-1);
      if (open && last?.type === "thinking") last.text += part.text;
      else if (part.text !== "" || signature === undefined) reasoning.push({ type: "thinking", text: part.text });
      open = true;
      sign(signature);
    } else if (typeof part.text === "string") {
      sign(signature);
      if (part.text !== "") {
        open = false;
        text = (text ?? "") + part.text;
      }
    } else if (signature !== undefined && Object.keys(part).length === 1) {
      sign(signature);
    } else {
      throw new FormatError(`${at}: only text, thought and functionCall parts can be carried in a model turn.`, at);
    }
  });
  return { text, reasoning, toolCalls };
}

function readFunctionCall(call: JsonObject, field: string, fallbackId: string, signature: string | undefined): ToolCall {
  if (typeof call.name !== "string" || call.name === "") throw new FormatError(`${field}.name must be the function's name.`, `${field}.name`, "invalid_field");
  if (call.args !== undefined && !isJsonObject(call.args)) throw new FormatError(`${field}.args must be an object.`, `${field}.args`, "invalid_field");
  const id = typeof call.id === "string" && call.id !== "" ? call.id : fallbackId;
  return {
    id,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    ...(signature === undefined ? {} : { signature }),
  };
}

/**
 * An assistant message → a model turn's parts: thoughts first, then the text, then the calls.
 * Anthropic's redacted thinking is opaque data only Anthropic can read, so it is left out; a
 * signature-only block goes back on the first text or unsigned call part, where Gemini put it.
 */
export function writeModelParts(turn: ModelTurn, field: string): JsonObject[] {
  const parts: JsonObject[] = [];
  let looseSignature: string | undefined;
  for (const block of turn.reasoning) {
    if (block.type !== "thinking") continue;
    if (block.text === "" && block.signature !== undefined && looseSignature === undefined) {
      looseSignature = block.signature;
      continue;
    }
    parts.push({ text: block.text, thought: true, ...(block.signature === undefined ? {} : { thoughtSignature: block.signature }) });
  }
  if (turn.text !== null && turn.text !== "") {
    parts.push({ text: turn.text, ...(looseSignature === undefined ? {} : { thoughtSignature: looseSignature }) });
    looseSignature = undefined;
  }
  turn.toolCalls.forEach((call, index) => {
    const args = parseArguments(call.function.arguments, `${field}.tool_calls[${index}].function.arguments`);
    let signature = call.signature;
    if (signature === undefined && looseSignature !== undefined) {
      signature = looseSignature;
      looseSignature = undefined;
    }
    parts.push({
      functionCall: { ...(isGeneratedCallId(call.id) ? {} : { id: call.id }), name: call.function.name, args },
      ...(signature === undefined ? {} : { thoughtSignature: signature }),
    });
  });
  if (looseSignature !== undefined) parts.push({ text: "", thought: true, thoughtSignature: looseSignature });
  return parts;
}

function parseArguments(text: string, field: string): JsonObject {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FormatError(`${field} must be JSON text.`, field, "invalid_field");
  }
  if (!isJsonObject(value)) throw new FormatError(`${field} must be a JSON object: Gemini's function calls take named arguments.`, field, "invalid_field");
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new FormatError(`${field} must be a string.`, field, "invalid_field");
  return value;
}
