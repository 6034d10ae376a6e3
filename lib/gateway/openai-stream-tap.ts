import type { StreamSummary } from "@/lib/formats/stream-codec";
import { parseJsonObject } from "@/lib/formats/json";
import { completeEventsEnd } from "@/lib/formats/sse";
import type { TokenUsage } from "@/lib/formats/usage";
import { usageFromOpenAiBody } from "@/lib/formats/openai-chat/usage";
import type { StreamTap } from "./stream-taps";


/** About 1 MiB of text (UTF-16 code units). */
const MAX_TEXT_CHARS = 1 << 20;
/** An event larger than this is passed through unparsed rather than held in memory. */
const MAX_EVENT_CHARS = 1 << 20;
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const FINISH_REASON = /"finish_reason"\s*:\s*"/;

/**
 * Watches an OpenAI-format SSE stream for its usage and model. With `stripUsageChunk` (the gateway
 * asked for usage on the client's behalf) usage is removed from what the client receives; bytes are
 * then forwarded event by event. Otherwise the bytes are forwarded unchanged, only an incomplete
 * event at the end of a chunk waits for the rest of it: should the upstream break off there, the
 * client gets the error event alone, not glued to half an event that would corrupt both.
 */
export function tapOpenAiStream(options: { stripUsageChunk: boolean }): StreamTap {
  const scanner = new OpenAiSseScanner(options.stripUsageChunk);
  const encoder = new TextEncoder();
  const { promise: result, resolve } = Promise.withResolvers<StreamSummary>();
  let settled = false;
  const finish = () => {
    if (settled) return;
    settled = true;
    resolve(scanner.summary());
  };
  /** Pass mode: the bytes of the incomplete event at the end of what was received. */
  let held: Uint8Array | undefined;
  let finalEvent: string | undefined;

  // `cancel` runs on client disconnect and upstream abort; it is in the Streams standard and Node
  // but not yet in TypeScript's Transformer type, hence the widened type.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel: () => void } = {
    transform(chunk, controller) {
      try {
        if (options.stripUsageChunk) {
          const forward = scanner.push(chunk);
          if (forward) controller.enqueue(encoder.encode(forward));
          return;
        }
        scanner.push(chunk);
        const bytes = held ? concat(held, chunk) : chunk;
        let end = completeEventsEnd(bytes);
        if (bytes.byteLength - end > MAX_EVENT_CHARS) end = bytes.byteLength;
        held = end < bytes.byteLength ? bytes.subarray(end) : undefined;
        if (end > 0) controller.enqueue(end === bytes.byteLength ? bytes : bytes.subarray(0, end));
      } catch (error) {
        finish();
        throw error;
      }
    },
    flush(controller) {
      try {
        if (finalEvent !== undefined) {
          controller.enqueue(encoder.encode(finalEvent));
          return;
        }
        const forward = scanner.end();
        if (forward) controller.enqueue(encoder.encode(forward));
        if (held) controller.enqueue(held);
      } finally {
        finish();
      }
    },
    cancel: finish,
  };
  return {
    transform: new TransformStream(transformer),
    result,
    summary: () => scanner.summary(),
    breakOff(event) {
      finalEvent = event;
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.byteLength + b.byteLength);
  all.set(a, 0);
  all.set(b, a.byteLength);
  return all;
}

/**
 * Splits decoded text into SSE lines and events (lines end in \n, \r\n or \r; a blank line ends an
 * event) and reads only what the summary needs. Holds at most the current, incomplete event.
 */
class OpenAiSseScanner {
  private readonly decoder = new TextDecoder();
  /** Text from the start of the current event. */
  private pending = "";
  /** Offset in `pending` of the first line not yet read. */
  private scanned = 0;
  private dataLines: string[] = [];
  private readonly textParts: string[] = [];
  private textChars = 0;
  private usage: TokenUsage | undefined;
  private model: string | undefined;
  private events = 0;
  private completed = false;

  constructor(
    private readonly strip: boolean,
    /** Called with each complete event's data. */
    private readonly onData?: (data: string) => void,
  ) {}

  /** Reads a chunk; returns the complete events to forward (strip mode only). */
  push(chunk: Uint8Array): string {
    const text = this.decoder.decode(chunk, { stream: true });
    this.keepText(text);
    return this.scan(text);
  }

  /** Reads the rest, treating an unterminated last event as complete. */
  end(): string {
    const text = this.decoder.decode();
    this.keepText(text);
    let forward = this.scan(text);
    const lastLine = this.pending.slice(this.scanned).replace(/\r$/, "");
    if (lastLine.startsWith("data:")) this.dataLines.push(fieldValue(lastLine));
    forward += this.dispatch(this.pending);
    this.pending = "";
    this.scanned = 0;
    return forward;
  }

  summary(): StreamSummary {
    return {
      usage: this.usage,
      model: this.model,
      events: this.events,
      text: this.textParts.join(""),
      completed: this.completed,
    };
  }

  /** Reads decoded text; returns the complete events to forward (strip mode only). */
  scan(text: string): string {
    const buffer = this.pending + text;
    let position = this.scanned;
    let eventStart = 0;
    let forward = "";
    let nextLineFeed = buffer.indexOf("\n", position);
    let nextReturn = buffer.indexOf("\r", position);
    for (;;) {
      if (nextLineFeed !== -1 && nextLineFeed < position) nextLineFeed = buffer.indexOf("\n", position);
      if (nextReturn !== -1 && nextReturn < position) nextReturn = buffer.indexOf("\r", position);
      const lineEnd = nextReturn === -1 || (nextLineFeed !== -1 && nextLineFeed < nextReturn) ? nextLineFeed : nextReturn;
      if (lineEnd === -1) break;
      let next = lineEnd + 1;
      if (buffer[lineEnd] === "\r") {
        // Only the next chunk can tell a \r\n line ending from a bare \r.
        if (next === buffer.length) break;
        if (buffer[next] === "\n") next++;
      }
      const line = buffer.slice(position, lineEnd);
      position = next;
      if (line === "") {
        forward += this.dispatch(buffer.slice(eventStart, position));
        eventStart = position;
      } else if (line.startsWith("data:")) {
        this.dataLines.push(fieldValue(line));
      }
    }
    this.pending = buffer.slice(eventStart);
    this.scanned = position - eventStart;
    if (this.pending.length > MAX_EVENT_CHARS) {
      if (this.strip) forward += this.pending;
      this.pending = "";
      this.scanned = 0;
      this.dataLines = [];
    }
    return forward;
  }

  /** Reads one complete event; returns what the client receives in its place (strip mode only). */
  private dispatch(rawEvent: string): string {
    const replacement = this.readEvent();
    return this.strip ? (replacement ?? rawEvent) : "";
  }

  /** Reads the current event's data; returns its replacement in strip mode, or undefined to keep it. */
  private readEvent(): string | undefined {
    if (this.dataLines.length === 0) return undefined;
    const data = this.dataLines.length === 1 ? this.dataLines[0]! : this.dataLines.join("\n");
    this.dataLines = [];
    this.events++;
    this.onData?.(data);
    if (data === "[DONE]") {
      this.completed = true;
      return undefined;
    }
    if (!this.completed && FINISH_REASON.test(data)) this.completed = true;
    // Only the first event (for the model) and events with a usage object are worth parsing.
    if (this.events > 1 && !USAGE_OBJECT.test(data)) return undefined;
    const chunk = parseJsonObject(data);
    if (!chunk) return undefined;
    if (this.model === undefined && typeof chunk.model === "string") this.model = chunk.model;
    if (typeof chunk.usage !== "object" || chunk.usage === null) return undefined;
    this.usage = usageFromOpenAiBody(chunk) ?? this.usage;
    if (!this.strip) return undefined;
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return "";
    delete chunk.usage;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }

  private keepText(text: string): void {
    const room = MAX_TEXT_CHARS - this.textChars;
    if (room <= 0 || text === "") return;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.textParts.push(kept);
    this.textChars += kept.length;
  }
}

/** The value of a `data:` line: after the colon, without one leading space. */
function fieldValue(line: string): string {
  return line.charCodeAt(5) === 0x20 ? line.slice(6) : line.slice(5);
}
