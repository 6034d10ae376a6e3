import type { TokenUsage } from "@/lib/formats/usage";
import { usageFromOpenAiBody } from "./usage";

/** What a Chat Completions stream carried, for the log row and cost. */
export interface StreamSummary {
  usage?: TokenUsage;
  model?: string;
  /** Data events seen, `[DONE]` included. */
  events: number;
  /** The stream body as received from upstream, for the log payload, cut at MAX_TEXT_CHARS. */
  text: string;
  /** Saw `[DONE]` or a finish_reason: the upstream finished rather than being cut off. */
  completed: boolean;
}

export interface OpenAiStreamTap {
  transform: TransformStream<Uint8Array, Uint8Array>;
  /** Settles at the end of the stream, and with what was seen so far if it is cancelled or aborted. */
  result: Promise<StreamSummary>;
}

/** About 1 MiB of text (UTF-16 code units). */
const MAX_TEXT_CHARS = 1 << 20;
/** An event larger than this is passed through unparsed rather than held in memory. */
const MAX_EVENT_CHARS = 1 << 20;
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const FINISH_REASON = /"finish_reason"\s*:\s*"/;

/**
 * Watches an OpenAI-format SSE stream for its usage and model. With `stripUsageChunk` (the gateway
 * asked for usage on the client's behalf) usage is removed from what the client receives; bytes are
 * then forwarded event by event. Otherwise every chunk is forwarded unchanged as it arrives.
 */
export function tapOpenAiStream(options: { stripUsageChunk: boolean }): OpenAiStreamTap {
  const scanner = new OpenAiSseScanner(options.stripUsageChunk);
  const encoder = new TextEncoder();
  const { promise: result, resolve } = Promise.withResolvers<StreamSummary>();
  let settled = false;
  const finish = () => {
    if (settled) return;
    settled = true;
    resolve(scanner.summary());
  };

  // `cancel` runs on client disconnect and upstream abort; it is in the Streams standard and Node
  // but not yet in TypeScript's Transformer type, hence the widened type.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel: () => void } = {
    transform(chunk, controller) {
      try {
        if (options.stripUsageChunk) {
          const forward = scanner.push(chunk);
          if (forward) controller.enqueue(encoder.encode(forward));
        } else {
          controller.enqueue(chunk);
          scanner.push(chunk);
        }
      } catch (error) {
        finish();
        throw error;
      }
    },
    flush(controller) {
      try {
        const forward = scanner.end();
        if (forward) controller.enqueue(encoder.encode(forward));
      } finally {
        finish();
      }
    },
    cancel: finish,
  };
  return { transform: new TransformStream(transformer), result };
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

  constructor(private readonly strip: boolean) {}

  /** Reads a chunk; returns the complete events to forward (strip mode only). */
  push(chunk: Uint8Array): string {
    return this.scan(this.decoder.decode(chunk, { stream: true }));
  }

  /** Reads the rest, treating an unterminated last event as complete. */
  end(): string {
    let forward = this.scan(this.decoder.decode());
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

  private scan(text: string): string {
    this.keepText(text);
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
    if (data === "[DONE]") {
      this.completed = true;
      return undefined;
    }
    if (!this.completed && FINISH_REASON.test(data)) this.completed = true;
    // Only the first event (for the model) and events with a usage object are worth parsing.
    if (this.events > 1 && !USAGE_OBJECT.test(data)) return undefined;
    const chunk = parseObject(data);
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

function parseObject(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
