import type { ChatStreamEvent, WireError } from "@/lib/formats/canonical";
import { EVENT_STREAM_CONTENT_TYPE, EventStreamReader } from "@/lib/formats/bedrock-converse";
import type { Codec, StreamDecoder, StreamEncoder } from "@/lib/formats/codec";
import { completeEventsEnd, JsonArrayReader, MAX_EVENT_CHARS, serializeSse, SseParser, type EventReader } from "@/lib/formats/sse";
import type { StreamSummary } from "@/lib/formats/stream-codec";
import { UsageTotals } from "./usage";

/**
 * Watches one stream on its way to the client: the relay's view of a stream, whatever its format.
 * A plain object the relay drives chunk by chunk (no stream classes), so the transport relays the
 * provider's body to the client with its own back-pressure; lib/formats stays free of transports.
 */
export interface StreamTap {
  /** Reads one chunk of the provider's stream; returns the client's bytes for it, if any are ready. */
  push(chunk: Uint8Array): Uint8Array | undefined;
  /**
   * The provider's stream ended, or broke off after `breakOff`: the client's last bytes (what was
   * held back, the encoder's closing events, or the final error event).
   */
  end(): Uint8Array | undefined;
  /** What the stream carried so far, at any time: at its end, or when the client left before it. */
  summary(): StreamSummary;
  /**
   * The upstream broke off. Call before `end`: the event the upstream left incomplete is dropped
   * and the client's stream ends with `finalEvent` instead.
   */
  breakOff(finalEvent: string): void;
  /** What the tap emits when it is not what it reads (a translating tap emits the client's format). */
  contentType?: string;
  /** Set when the tap checks what it carries asynchronously (content controls, through an `EventStage`). */
  checks?: TapChecks;
}

/**
 * How a tap's asynchronous checks reach the relay, whose `push` cannot wait: the relay waits for
 * `drain` before `end`, so the stream's last text is judged before the stream ends, and a check
 * that refuses the stream has the relay cut it off at once.
 */
export interface TapChecks {
  /** Resolves once every check of what went through has answered (never rejects). */
  drain(): Promise<void>;
  /** `cut` is called at most once: the client's last bytes (its error event in its format), and why. */
  onCut(cut: (last: Uint8Array, error: WireError) => void): void;
}

/**
 * A stage between a translating tap's decoder and encoder: canonical events in, the events the
 * client gets out (text redacted, or nothing once the stream is refused).
 */
export interface EventStage {
  push(event: ChatStreamEvent): ChatStreamEvent[];
  /** The provider's stream ended: what the stage still held. */
  end(): ChatStreamEvent[];
  /** Resolves once every asynchronous check of what was pushed has answered (never rejects). */
  drain(): Promise<void>;
  /** `refuse` is called at most once, never from inside `push` or `end`, when a check refuses the stream. */
  onRefusal(refuse: (error: WireError) => void): void;
}

/** About 1 MiB of text (UTF-16 code units) kept for the log payload. */
const MAX_TEXT_CHARS = 1 << 20;

/**
 * How a provider frames a stream: server-sent events, a JSON array (Gemini without `alt=sse`), or
 * AWS's binary event stream (Bedrock).
 */
export type StreamFraming = "sse" | "json-array" | "event-stream";

export function framingOf(contentType: string): StreamFraming {
  if (contentType.startsWith("text/event-stream")) return "sse";
  return contentType.startsWith(EVENT_STREAM_CONTENT_TYPE) ? "event-stream" : "json-array";
}

export function readerFor(framing: StreamFraming): EventReader {
  if (framing === "sse") return new SseParser();
  return framing === "event-stream" ? new EventStreamReader() : new JsonArrayReader();
}

/** What a stream said, from its canonical events: the log row's usage, model and estimate inputs. */
class StreamWatch {
  private readonly usage = new UsageTotals();
  private model: string | undefined;
  private completed = false;
  private error: WireError | undefined;
  private chars = 0;
  private contentEvents = 0;
  events = 0;
  private readonly textParts: string[] = [];
  private textChars = 0;

  see(event: ChatStreamEvent): void {
    switch (event.type) {
      case "start":
        this.model ??= event.model;
        return;
      case "text":
      case "reasoning":
        this.generated(event.text.length);
        return;
      case "tool_call_start":
        this.generated(event.name.length);
        return;
      case "tool_call_delta":
        this.generated(event.arguments.length);
        return;
      case "finish":
        this.completed = true;
        return;
      case "usage":
        this.usage.add(event.usage);
        return;
      case "error":
        this.error = event.error;
        return;
      case "reasoning_end":
        return;
    }
  }

  keepText(text: string): void {
    const room = MAX_TEXT_CHARS - this.textChars;
    if (room <= 0 || text === "") return;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.textParts.push(kept);
    this.textChars += kept.length;
  }

  summary(): StreamSummary {
    return {
      usage: this.usage.get(),
      model: this.model,
      events: this.events,
      text: this.textParts.join(""),
      completed: this.completed,
      generated: { chars: this.chars, events: this.contentEvents },
      error: this.error,
    };
  }

  private generated(chars: number): void {
    this.chars += chars;
    if (chars > 0) this.contentEvents++;
  }
}

/**
 * Same format in and out: the provider's bytes go to the client untouched, while `codec`'s stream
 * decoder reads them on the side for usage and model. Only an incomplete SSE event at the end of a
 * chunk waits for the rest, so a provider that breaks off leaves the client a whole last event
 * followed by the error event. A decoder that cannot read the stream stops reading it; the client's
 * bytes never depend on it.
 */
export function passthroughTap(codec: Codec, framing: StreamFraming): StreamTap {
  const reader = readerFor(framing);
  let decoder: StreamDecoder | undefined = codec.streamDecoder();
  const watch = new StreamWatch();
  const utf8 = new TextDecoder();
  let held: Uint8Array | undefined;
  let finalEvent: string | undefined;

  // A binary stream's bytes are no text: the log keeps the events read from it instead.
  const binary = framing === "event-stream";
  const read = (events: () => ReturnType<EventReader["push"]>, end: boolean) => {
    if (!decoder) return;
    try {
      for (const event of events()) {
        watch.events++;
        if (binary) watch.keepText(serializeSse(event));
        for (const canonical of decoder.push(event)) watch.see(canonical);
      }
      if (end) for (const canonical of decoder.end()) watch.see(canonical);
    } catch {
      decoder = undefined;
    }
  };

  return {
    push(chunk) {
      read(() => reader.push(chunk), false);
      if (binary) return chunk;
      watch.keepText(utf8.decode(chunk, { stream: true }));
      if (framing === "json-array") return chunk;
      const bytes = held ? concat(held, chunk) : chunk;
      let end = completeEventsEnd(bytes);
      if (bytes.byteLength - end > MAX_EVENT_CHARS) end = bytes.byteLength;
      held = end < bytes.byteLength ? bytes.subarray(end) : undefined;
      if (end === 0) return undefined;
      return end === bytes.byteLength ? bytes : bytes.subarray(0, end);
    },
    end() {
      // Text cannot end a binary stream; its client sees the stream cut off, which its SDK reports.
      if (finalEvent !== undefined) return binary ? undefined : new TextEncoder().encode(finalEvent);
      read(() => reader.end(), true);
      return held;
    },
    summary: () => watch.summary(),
    breakOff(event) {
      finalEvent = event;
    },
  };
}

/**
 * Formats differ: each provider event is decoded into canonical events, which the client's encoder
 * turns into its own events. `errorEvents` ends the client's stream when the provider's stream
 * cannot be read (or translated) any further. `stage`, when given, sits between the two (content
 * controls); a refusal of its ends the client's stream with `errorEvents` of it.
 */
export function translatingTap(
  framing: StreamFraming,
  decoder: StreamDecoder,
  encoder: StreamEncoder,
  errorEvents: (error: WireError) => string,
  stage?: EventStage,
): StreamTap {
  const reader = readerFor(framing);
  const watch = new StreamWatch();
  const bytes = new TextEncoder();
  let finalEvent: string | undefined;
  let failed = false;
  /** The stage refused the stream: the client has had its error event; what follows is read for the log only. */
  let cut = false;

  const encode = (event: ChatStreamEvent, out: string[]) => {
    watch.see(event);
    if (cut) return;
    for (const encoded of encoder.push(event)) out.push(serializeSse(encoded));
  };
  /** Runs the canonical events through the stage and the encoder; the client's text, or its error event if translation failed. */
  const translate = (produce: () => ChatStreamEvent[][], staged: () => ChatStreamEvent[] = () => []): string => {
    if (failed) return "";
    const out: string[] = [];
    try {
      for (const canonical of produce()) {
        for (const event of canonical) {
          if (!stage) encode(event, out);
          else for (const passed of stage.push(event)) encode(passed, out);
        }
      }
      for (const event of staged()) encode(event, out);
      return out.join("");
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      return out.join("") + errorEvents({ status: 502, message: `The provider's stream could not be translated: ${message}`, code: "provider_error" });
    }
  };
  const emit = (text: string): Uint8Array | undefined => {
    if (text === "" || cut) return undefined;
    watch.keepText(text);
    return bytes.encode(text);
  };

  const tap: StreamTap = {
    push(chunk) {
      return emit(
        translate(() =>
          reader.push(chunk).map((event) => {
            watch.events++;
            return decoder.push(event);
          }),
        ),
      );
    },
    end() {
      if (finalEvent !== undefined) return failed || cut ? undefined : emit(finalEvent);
      const rest = translate(() => [...reader.end().map((event) => decoder.push(event)), decoder.end()], () => stage?.end() ?? []);
      return emit(failed ? rest : rest + encoder.end().map(serializeSse).join(""));
    },
    summary: () => watch.summary(),
    breakOff(event) {
      finalEvent = event;
    },
    contentType: "text/event-stream; charset=utf-8",
  };
  if (stage) {
    tap.checks = {
      drain: () => stage.drain(),
      onCut(cutOff) {
        stage.onRefusal((error) => {
          if (failed || cut) return;
          const last = emit(errorEvents(error))!;
          cut = true;
          cutOff(last, error);
        });
      },
    };
  }
  return tap;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.byteLength + b.byteLength);
  all.set(a, 0);
  all.set(b, a.byteLength);
  return all;
}
