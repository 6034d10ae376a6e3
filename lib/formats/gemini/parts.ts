import type { ReasoningBlock, ToolCall } from "@/lib/formats/canonical";
import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * A model turn's parts ⇄ an assistant message, shared by requests (history) and responses.
 *
 * Thought parts (`thought: true`) are reasoning blocks; consecutive ones are one block, as a
 * stream's thought chunks are. Gemini wants every signature back on the part it came on, never
 * merged into another: one on a thought part stays on its block; one on a functionCall part stays
 * on that tool call (`ToolCall.signature`); one on a text part (or an empty part, as streams end
 * with) becomes a reasoning block of its own with empty text, which goes back on the turn's first
 * text part (or first unsigned call). Streamed and non-streamed answers reassemble the same way.
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

/**
 * Parts only a provider's answer holds, for what the gateway never asks of Gemini when it
 * translates (server-side tools, generated media): translated requests refuse the tools and
 * modalities that produce them, so they appear only in passthrough, where answers are read for
 * usage and the log. They are passed over there rather than failing the read.
 */
const answerOnlyParts = ["executableCode", "codeExecutionResult", "inlineData", "fileData", "toolCall", "toolResponse"];

export function isAnswerOnlyPart(part: JsonObject): boolean {
  return answerOnlyParts.some((kind) => part[kind] !== undefined);
}

/** `answer`: reading a provider's answer (answer-only parts are passed over), not a client's history. */
export function readModelParts(parts: unknown, field: string, callIdOf: CallIdOf, answer = false): ModelTurn {
  if (!Array.isArray(parts)) throw new FormatError(`${field} must be a list of parts.`, field, "invalid_field");
  let text: string | null = null;
  const reasoning: ReasoningBlock[] = [];
  const toolCalls: ToolCall[] = [];
  // Whether the last reasoning block still takes thought text: no other part and no signature since.
  let open = false;
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
      else reasoning.push({ type: "thinking", text: part.text });
      open = signature === undefined;
      if (signature !== undefined) (reasoning.at(-1) as { signature?: string }).signature = signature;
    } else if (typeof part.text === "string" || (signature !== undefined && Object.keys(part).length === 1)) {
      const piece = typeof part.text === "string" ? part.text : "";
      if (signature !== undefined) reasoning.push({ type: "thinking", text: "", signature });
      if (signature !== undefined || piece !== "") open = false;
      if (piece !== "") text = (text ?? "") + piece;
    } else if (!(answer && isAnswerOnlyPart(part))) {
      throw new FormatError(`${at}: only text, thought and functionCall parts can be carried in a model turn.`, at);
    }
  });
  return { text, reasoning, toolCalls };
}

export function readFunctionCall(call: JsonObject, field: string, fallbackId: string, signature: string | undefined): ToolCall {
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
    if (block.text === "" && block.signature && looseSignature === undefined) {
      looseSignature = block.signature;
      continue;
    }
    parts.push({ text: block.text, thought: true, ...(block.signature ? { thoughtSignature: block.signature } : {}) });
  }
  if (turn.text !== null && turn.text !== "") {
    parts.push({ text: turn.text, ...(looseSignature === undefined ? {} : { thoughtSignature: looseSignature }) });
    looseSignature = undefined;
  }
  turn.toolCalls.forEach((call, index) => {
    const args = parseArguments(call.function.arguments, `${field}.tool_calls[${index}].function.arguments`);
    // An empty signature (another format's placeholder) is none.
    let signature = call.signature || undefined;
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
