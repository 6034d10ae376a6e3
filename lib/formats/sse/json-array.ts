import type { SseEvent } from "@/lib/formats/canonical";
import { EventTooLargeError, MAX_EVENT_CHARS, type EventReader } from "./parse";

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A streamed JSON array (Gemini's `streamGenerateContent` without `alt=sse`: `[{…},\r\n{…}]`) read
 * element by element as it arrives, each element's JSON text as one event's data, so the same
 * stream decoder reads both of Gemini's stream framings. Only the array's nesting and strings are
 * tracked; the elements are parsed by whoever reads the events. Anything outside the top-level
 * array, and scalars inside it, are skipped.
 */
export class JsonArrayReader implements EventReader {
  private readonly decoder = new TextDecoder();
  /** Nesting depth: 1 inside the top-level array, 2 and more inside an element. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current element's text from earlier chunks. */
  private element = "";
  /** Whether the top-level array was closed. */
  private closed = false;

  constructor(private readonly maxEventChars = MAX_EVENT_CHARS) {}

  /** The array was closed: a stream without it was cut short. */
  get complete(): boolean {
    return this.closed;
  }

  push(chunk: Uint8Array): SseEvent[] {
    return this.read(this.decoder.decode(chunk, { stream: true }));
  }

  end(): SseEvent[] {
    return this.read(this.decoder.decode());
  }

  private read(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let elementStart = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) this.inString = false;
        continue;
      }
      if (code === QUOTE) {
        // Outside the array a quote is noise; inside it, a string's brackets are not structure.
        if (this.depth >= 1) this.inString = true;
      } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
        if (this.depth === 0) {
          if (code === OPEN_BRACKET && !this.closed) this.depth = 1;
          continue;
        }
        if (this.depth === 1) elementStart = i;
        this.depth++;
      } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
        if (this.depth === 0) continue;
        this.depth--;
        if (this.depth === 1) {
          events.push({ data: this.element + text.slice(elementStart, i + 1) });
          this.element = "";
          elementStart = -1;
        } else if (this.depth === 0) {
          this.closed = true;
        }
      }
    }
    if (elementStart !== -1) {
      this.element += text.slice(elementStart);
      if (this.element.length > this.maxEventChars) throw new EventTooLargeError(this.maxEventChars);
    }
    return events;
  }
}
