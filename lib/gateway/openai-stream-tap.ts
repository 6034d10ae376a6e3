import type { SseEvent } from "@/lib/formats/canonical";
import { parseJsonObject } from "@/lib/formats/json";
import { usageFromOpenAiBody } from "@/lib/formats/openai-chat/usage";
import { completeEventsEnd, SseParser } from "@/lib/formats/sse";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import type { TokenUsage } from "@/lib/formats/usage";
import type { StreamTap } from "./stream-taps";

/** About 1 MiB of text (UTF-16 code units). */
const MAX_TEXT_CHARS = 1 << 20;
/** An event larger than this is passed through unparsed rather than held in memory. */
const MAX_EVENT_CHARS = 1 << 20;
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const FINISH_REASON = /"finish_reason"\s*:\s*"/;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Watches an OpenAI-format SSE stream for its usage and model, reading it with the one SSE parser.
 * Only complete events go on to the client: an incomplete event at the end of a chunk waits for
 * the rest of it, so that should the upstream break off there, the client gets the error event
 * alone, not glued to half an event that would corrupt both. Without `stripUsageChunk` the bytes
 * go on unchanged. With it (the gateway asked for usage on the client's behalf) each event goes on
 * as received, but usage is removed from the one that carries it.
 */
export function tapOpenAiStream(options: { stripUsageChunk: boolean }): StreamTap {
  const reader = new OpenAiStreamReader(options.stripUsageChunk);
  const encoder = new TextEncoder();
  /** The bytes of the incomplete event at the end of what was received. */
  let held: Uint8Array | undefined;
  let finalEvent: string | undefined;
  const bytesOf = (forward: Uint8Array | string | undefined, read: Uint8Array | undefined) =>
    forward === undefined || forward === read ? forward : encoder.encode(forward as string);

  return {
    push(chunk) {
      reader.keepText(chunk);
      const bytes = held ? concat(held, chunk) : chunk;
      let end = completeEventsEnd(bytes);
      // An event too large to hold goes on as it is, unread.
      const oversized = bytes.byteLength - end > MAX_EVENT_CHARS;
      if (oversized) end = bytes.byteLength;
      held = end < bytes.byteLength ? bytes.subarray(end) : undefined;
      if (end === 0) return undefined;
      const complete = end === bytes.byteLength ? bytes : bytes.subarray(0, end);
      return bytesOf(reader.read(complete, oversized), complete);
    },
    end() {
      if (finalEvent !== undefined) return encoder.encode(finalEvent);
      // An unterminated last event still counts: the provider said it.
      const last = held;
      held = undefined;
      const forward = reader.read(last, false, true);
      return last ? bytesOf(forward, last) : undefined;
    },
    summary: () => reader.summary(),
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
 * Where each event of `bytes` ends (just after its blank line), in order; the last entry is
 * `bytes.byteLength` when the bytes end inside an event. Line ends are \n, \r\n or \r.
 */
function eventEnds(bytes: Uint8Array): number[] {
  const ends: number[] = [];
  let lineStart = 0;
  for (let i = 0; i < bytes.byteLength; i++) {
    const byte = bytes[i];
    if (byte !== LF && byte !== CR) continue;
    const lineEmpty = i === lineStart;
    if (byte === CR && bytes[i + 1] === LF) i++;
    lineStart = i + 1;
    if (lineEmpty) ends.push(lineStart);
  }
  if (ends.at(-1) !== bytes.byteLength) ends.push(bytes.byteLength);
  return ends;
}

/** What the tap learns from the events it reads, and what the client gets in their place. */
class OpenAiStreamReader {
  private readonly parser = new SseParser(Number.POSITIVE_INFINITY);
  /** For the kept text, which arrives in chunks cut anywhere. */
  private readonly textDecoder = new TextDecoder();
  /** For whole events, which never end inside a character. */
  private readonly eventDecoder = new TextDecoder();
  private readonly textParts: string[] = [];
  private textChars = 0;
  private usage: TokenUsage | undefined;
  private model: string | undefined;
  private events = 0;
  private completed = false;

  constructor(private readonly strip: boolean) {}

  /**
   * Reads whole events (or, `unread`, the part of one too large to hold, which is only passed on;
   * or, `last`, what was left at the end). Returns what the client gets: `bytes` themselves when
   * nothing changed, text when the usage was removed, undefined for nothing at all.
   */
  read(bytes: Uint8Array | undefined, unread: boolean, last = false): Uint8Array | string | undefined {
    if (unread) {
      // What follows the oversized part up to its blank line ends it; the parser never saw its start.
      return bytes;
    }
    if (!this.strip) {
      if (bytes) this.take(this.parser.push(bytes));
      if (last) this.take(this.parser.end());
      return bytes;
    }
    if (!bytes) {
      this.take(this.parser.end());
      return undefined;
    }
    let changed = false;
    let forward = "";
    let start = 0;
    for (const end of eventEnds(bytes)) {
      const event = bytes.subarray(start, end);
      start = end;
      const parsed = this.parser.push(event);
      if (last && end === bytes.byteLength) parsed.push(...this.parser.end());
      let replacement: string | undefined;
      for (const e of parsed) replacement = this.readEvent(e) ?? replacement;
      const raw = this.eventDecoder.decode(event);
      if (replacement === undefined) {
        forward += raw;
      } else {
        changed = true;
        forward += replacement;
      }
    }
    return changed ? forward : bytes;
  }

  summary(): StreamSummary {
    return { usage: this.usage, model: this.model, events: this.events, text: this.textParts.join(""), completed: this.completed };
  }

  keepText(chunk: Uint8Array): void {
    const room = MAX_TEXT_CHARS - this.textChars;
    if (room <= 0) return;
    const text = this.textDecoder.decode(chunk, { stream: true });
    if (text === "") return;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.textParts.push(kept);
    this.textChars += kept.length;
  }

  private take(events: SseEvent[]): void {
    for (const event of events) this.readEvent(event);
  }

  /** Reads one event's data; returns its replacement in strip mode (usage removed), or undefined to keep it. */
  private readEvent({ data }: SseEvent): string | undefined {
    this.events++;
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
}
