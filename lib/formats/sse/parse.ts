import type { SseEvent } from "@/lib/formats/canonical";

/**
 * Reads one body of events as it arrives, in chunks cut anywhere (inside a line, a CRLF or a UTF-8
 * character): what every provider stream and the log page's reassembly go through.
 */
export interface EventReader {
  push(chunk: Uint8Array): SseEvent[];
  /** The body ended: whatever complete event the reader still holds. */
  end(): SseEvent[];
}

/** An event (or the line being read) grew past the reader's limit; the stream is not one a client should get. */
export class EventTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`an event of the provider's stream is larger than ${limit} characters`);
    this.name = "EventTooLargeError";
  }
}

/** Larger than any real event (a whole non-streamed answer fits), small enough that no stream holds much more. */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

const LINE_END = /[\r\n]/g;

/**
 * The WHATWG server-sent events parser: lines end in \n, \r\n or \r; a blank line dispatches the
 * event; `data:` lines join with \n; `event:` names it; comments (`:`), `id:`, `retry:` and unknown
 * fields are read and ignored, as no gateway client needs them. One space after the colon is not
 * part of the value. An event without data is not dispatched. A byte-order mark is dropped.
 */
export class SseParser implements EventReader {
  private readonly decoder = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  private line = "";
  /** The last chunk ended in \r: a \n that starts the next one ends the same line. */
  private skipLineFeed = false;
  private data: string[] = [];
  private dataChars = 0;
  private eventName: string | undefined;
  private started = false;

  constructor(private readonly maxEventChars = MAX_EVENT_CHARS) {}

  push(chunk: Uint8Array): SseEvent[] {
    return this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /** Text already decoded (the log page reads stored text). */
  pushText(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (text === "") return events;
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.skipLineFeed) {
      this.skipLineFeed = false;
      if (text.charCodeAt(start) === 0x0a) start++;
    }
    LINE_END.lastIndex = start;
    for (let match = LINE_END.exec(text); match; match = LINE_END.exec(text)) {
      const end = match.index;
      const line = this.line === "" ? text.slice(start, end) : this.line + text.slice(start, end);
      this.line = "";
      start = end + 1;
      if (text.charCodeAt(end) === 0x0d) {
        if (start === text.length) this.skipLineFeed = true;
        else if (text.charCodeAt(start) === 0x0a) start++;
      }
      LINE_END.lastIndex = start;
      this.readLine(line, events);
    }
    if (start < text.length) {
      this.line += text.slice(start);
      if (this.line.length + this.dataChars > this.maxEventChars) throw new EventTooLargeError(this.maxEventChars);
    }
    return events;
  }

  /** An unterminated last line and event count as complete: a provider that closes without the final blank line still said them. */
  end(): SseEvent[] {
    const events = this.pushText(this.decoder.decode());
    if (this.line !== "") this.readLine(this.line, events);
    this.line = "";
    this.dispatch(events);
    return events;
  }

  private readLine(line: string, events: SseEvent[]): void {
    if (line === "") {
      this.dispatch(events);
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return;
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === "data") {
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) throw new EventTooLargeError(this.maxEventChars);
      this.data.push(value);
    } else if (field === "event") {
      this.eventName = value;
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.data.length > 0) {
      const data = this.data.length === 1 ? this.data[0]! : this.data.join("\n");
      events.push(this.eventName === undefined || this.eventName === "" ? { data } : { event: this.eventName, data });
    }
    this.data = [];
    this.dataChars = 0;
    this.eventName = undefined;
  }
}

/** Every event of a whole SSE text, an unterminated last one included. */
export function parseSse(text: string): SseEvent[] {
  const parser = new SseParser(Number.POSITIVE_INFINITY);
  const events = parser.pushText(text);
  events.push(...parser.end());
  return events;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Where the last complete event in `bytes` ends, just after its blank line; 0 when no event is
 * complete. `bytes` starts where an event starts. Line ends are ASCII, so bytes are searched
 * without decoding them (no byte of a multi-byte UTF-8 character is \n or \r). A gateway that
 * forwards bytes untouched holds back the rest, so a stream cut there never ends in half an event.
 */
export function completeEventsEnd(bytes: Uint8Array): number {
  let i = bytes.byteLength - 1;
  // A \r at the very end may be half of a \r\n: only the next chunk tells where that line ends.
  if (bytes[i] === CR) i--;
  for (; i >= 0; i--) {
    const byte = bytes[i];
    if (byte !== LF && byte !== CR) continue;
    // The line this ends is blank when it starts the buffer or follows another line end.
    const lineEnd = byte === LF && bytes[i - 1] === CR ? i - 1 : i;
    const before = bytes[lineEnd - 1];
    if (lineEnd === 0 || before === LF || before === CR) return i + 1;
  }
  return 0;
}
