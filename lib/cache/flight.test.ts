import { describe, expect, it } from "vitest";
import type { BodySink } from "@/lib/gateway/contract";
import { MAX_ENTRY_BYTES } from "./entry";
import { Flight, ReplayedBody, type ReplayEnding } from "./flight";

/** A client's side of the connection that takes `room` chunks before it asks the body to wait. */
class ClientSink implements BodySink {
  readonly written: Buffer[] = [];
  ended = false;
  aborted = false;
  constructor(public room = Infinity) {}
  write(chunk: Uint8Array): boolean {
    this.written.push(Buffer.from(chunk));
    this.room -= 1;
    return this.room > 0;
  }
  end(): void {
    this.ended = true;
  }
  abort(): void {
    this.aborted = true;
  }
}

const text = (s: string) => Buffer.from(s);

function follower(flight: Flight, sink: ClientSink) {
  const ended: Array<{ ending: ReplayEnding; bytes: number }> = [];
  flight.followers += 1;
  const body = new ReplayedBody(flight, (ending, bytes) => {
    flight.followers -= 1;
    ended.push({ ending, bytes });
  });
  body.start(sink);
  return { body, ended };
}

describe("Flight and ReplayedBody", () => {
  it("feeds followers live, from the first chunk, with the leader's boundaries, and becomes the entry", () => {
    const ends: Flight[] = [];
    const flight = new Flight((f) => ends.push(f), () => {});
    flight.answered(200, { "content-type": "text/event-stream" }, true);
    flight.chunk(text("a"));
    const sink = new ClientSink();
    const { ended } = follower(flight, sink);
    expect(sink.written).toEqual([text("a")]);
    flight.chunk(text("bb"));
    expect(sink.written).toEqual([text("a"), text("bb")]);
    flight.end("complete");
    expect(sink.ended).toBe(true);
    expect(ended).toEqual([{ ending: "complete", bytes: 3 }]);
    expect(ends).toEqual([flight]);
    expect(flight.entry()).toMatchObject({ status: 200, stream: true, chunks: [text("a"), text("bb")] });
  });

  it("waits for a follower that is not reading, then goes on", () => {
    const flight = new Flight(() => {}, () => {});
    flight.answered(200, {}, true);
    const sink = new ClientSink(1);
    const { body } = follower(flight, sink);
    flight.chunk(text("1"));
    flight.chunk(text("2"));
    flight.end("complete");
    expect(sink.written).toEqual([text("1")]);
    expect(sink.ended).toBe(false);
    sink.room = Infinity;
    body.resume();
    expect(sink.written).toEqual([text("1"), text("2")]);
    expect(sink.ended).toBe(true);
  });

  it("cuts followers short when the leader's body was, and stores nothing", () => {
    const flight = new Flight(() => {}, () => {});
    flight.answered(200, {}, true);
    const sink = new ClientSink();
    const { ended } = follower(flight, sink);
    flight.chunk(text("partial"));
    flight.end("cut");
    expect(sink.aborted).toBe(true);
    expect(ended[0]!.ending).toBe("cut");
    expect(flight.entry()).toBeUndefined();
  });

  it("hands the leader's thrown error to its followers", async () => {
    const flight = new Flight(() => {}, () => {});
    const waiting = flight.head;
    flight.failed(new Error("connection refused"));
    await expect(waiting).rejects.toThrow("connection refused");
  });

  it("stores only 2xx answers", () => {
    const flight = new Flight(() => {}, () => {});
    flight.answered(500, {}, false);
    flight.chunk(text("{}"));
    flight.end("complete");
    expect(flight.entry()).toBeUndefined();
  });

  it("stops taking followers past the entry limit, and keeps nothing once none follows", () => {
    let oversize = 0;
    const flight = new Flight(() => {}, () => (oversize += 1));
    flight.answered(200, {}, true);
    flight.chunk(Buffer.alloc(MAX_ENTRY_BYTES));
    expect(oversize).toBe(0);
    flight.chunk(text("x"));
    expect(oversize).toBe(1);
    expect(flight.chunks).toHaveLength(0);
    flight.end("complete");
    expect(flight.entry()).toBeUndefined();
  });

  it("keeps feeding a follower that joined before the limit", () => {
    const flight = new Flight(() => {}, () => {});
    flight.answered(200, {}, true);
    const sink = new ClientSink();
    follower(flight, sink);
    flight.chunk(Buffer.alloc(MAX_ENTRY_BYTES));
    flight.chunk(text("x"));
    flight.end("complete");
    expect(sink.written.map((c) => c.byteLength)).toEqual([MAX_ENTRY_BYTES, 1]);
    expect(sink.ended).toBe(true);
    expect(flight.entry()).toBeUndefined();
  });

  it("lets a follower leave", () => {
    const flight = new Flight(() => {}, () => {});
    flight.answered(200, {}, true);
    const sink = new ClientSink();
    const { body, ended } = follower(flight, sink);
    flight.chunk(text("a"));
    body.cancel();
    flight.chunk(text("b"));
    expect(sink.written).toEqual([text("a")]);
    expect(ended).toEqual([{ ending: "client-left", bytes: 1 }]);
    expect(flight.followers).toBe(0);
  });
});
