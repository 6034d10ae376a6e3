// Helpers for the gateway's and its transports' tests; production code never imports this file.
import type { BodySink, BodySource } from "./contract";
import type { StreamTap } from "./stream-taps";

/**
 * Pushes `chunks` through `tap` and ends it, as the relay does; with `breakOff`, the stream ends the
 * way the relay ends a broken upstream. Returns the chunks the client got, in order.
 */
export function drainTap(tap: StreamTap, chunks: Uint8Array[], breakOff?: string): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const chunk of chunks) {
    const out = tap.push(chunk);
    if (out) parts.push(out);
  }
  if (breakOff !== undefined) tap.breakOff(breakOff);
  const last = tap.end();
  if (last) parts.push(last);
  return parts;
}

/**
 * A relayed body of `totalBytes` in chunks of `chunkBytes`, written as fast as the sink takes them;
 * `state` counts what was written, the pauses (a write the sink refused), the resumes and a cancel.
 */
export function countingBodySource(totalBytes: number, chunkBytes: number) {
  const chunk = new Uint8Array(chunkBytes).fill(120);
  const state = { written: 0, pauses: 0, resumes: 0, cancelled: false };
  let sink: BodySink | undefined;
  const pump = () => {
    while (state.written < totalBytes) {
      state.written += chunk.byteLength;
      if (!sink!.write(chunk)) {
        state.pauses++;
        return;
      }
    }
    sink!.end();
  };
  const source: BodySource = {
    start(s) {
      sink = s;
      pump();
    },
    resume() {
      state.resumes++;
      pump();
    },
    cancel() {
      state.cancelled = true;
    },
  };
  return { state, source };
}
