import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { SseEvent } from "@/lib/formats/canonical";
import { isJsonObject, parseJsonObject } from "@/lib/formats/json";
import { EventTooLargeError, MAX_EVENT_CHARS, type EventReader } from "@/lib/formats/sse";

/** What a Bedrock stream's exception frame becomes: one event of this name, its data `{type, message}`. */
export const EXCEPTION_EVENT = "exception";

/** The content type of AWS's binary event streams (ConverseStream, InvokeModelWithResponseStream). */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** The prelude: total length and headers length (4 bytes each), then its own CRC32. */
const PRELUDE_BYTES = 12;

/**
 * AWS's `application/vnd.amazon.eventstream` framing read as events, for the same taps and decoders
 * as server-sent events. Each frame is `[total length][headers length][prelude CRC][headers][payload]
 * [message CRC]`; the reader cuts frames out of chunks split anywhere and `@smithy/eventstream-codec`
 * decodes each one (checking both CRCs, so a corrupt stream fails rather than being misread).
 *
 * - An event frame (`:message-type` event) becomes `{event: <:event-type>, data: <payload text>}`.
 * - InvokeModelWithResponseStream's `chunk` events carry the model's own event base64-encoded in
 *   `{"bytes": …}`; that inner event is what is read (`{event: <its type>, data: <its JSON>}`), so
 *   an Anthropic model's stream reads as Anthropic's.
 * - An exception frame (`:message-type` exception, `:exception-type` throttlingException, …) or an
 *   error frame (`:error-code`, `:error-message`) becomes `{event: "exception", data: {type, message}}`.
 *
 * A frame announcing more than `maxFrameBytes` is refused with EventTooLargeError before it is
 * buffered. A frame cut off by the end of the body is dropped: half a binary frame says nothing.
 */
export class EventStreamReader implements EventReader {
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxFrameBytes = MAX_EVENT_CHARS) {}

  push(chunk: Uint8Array): SseEvent[] {
    this.pending = this.pending.byteLength === 0 ? chunk : concat(this.pending, chunk);
    const events: SseEvent[] = [];
    let offset = 0;
    while (this.pending.byteLength - offset >= PRELUDE_BYTES) {
      const view = new DataView(this.pending.buffer, this.pending.byteOffset + offset, 4);
      const length = view.getUint32(0, false);
      if (length > this.maxFrameBytes) throw new EventTooLargeError(this.maxFrameBytes);
      if (this.pending.byteLength - offset < length) break;
      const event = this.read(this.pending.subarray(offset, offset + length));
      if (event) events.push(event);
      offset += length;
    }
    this.pending = offset === this.pending.byteLength ? new Uint8Array(0) : this.pending.slice(offset);
    return events;
  }

  end(): SseEvent[] {
    this.pending = new Uint8Array(0);
    return [];
  }

  private read(frame: Uint8Array): SseEvent | undefined {
    const { headers, body } = this.codec.decode(frame);
    const header = (name: string) => {
      const value = headers[name]?.value;
      return typeof value === "string" ? value : undefined;
    };
    const payload = toUtf8(body);
    const messageType = header(":message-type") ?? "event";
    if (messageType === "exception") {
      const message = parseJsonObject(payload)?.message;
      return exceptionEvent(header(":exception-type") ?? "exception", typeof message === "string" ? message : payload);
    }
    if (messageType === "error") return exceptionEvent(header(":error-code") ?? "error", header(":error-message") ?? payload);
    const type = header(":event-type");
    if (type === undefined) return undefined;
    if (type === "chunk") return payloadPart(payload);
    return { event: type, data: payload };
  }
}

function exceptionEvent(type: string, message: string): SseEvent {
  return { event: EXCEPTION_EVENT, data: JSON.stringify({ type, message }) };
}

/** An InvokeModelWithResponseStream chunk: the model's own event, base64 in `bytes`. */
function payloadPart(payload: string): SseEvent {
  const part = parseJsonObject(payload);
  if (!part || typeof part.bytes !== "string") return { event: "chunk", data: payload };
  const inner = Buffer.from(part.bytes, "base64").toString("utf8");
  const json = parseJsonObject(inner);
  const type = isJsonObject(json) && typeof json.type === "string" ? json.type : undefined;
  return type === undefined ? { data: inner } : { event: type, data: inner };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.byteLength + b.byteLength);
  all.set(a, 0);
  all.set(b, a.byteLength);
  return all;
}
