import type { BodySink, BodySource, ResponseHeaders } from "@/lib/gateway/contract";
import { MAX_ENTRY_BYTES, type CachedAnswer } from "./entry";

/**
 * How a body ended for its client: `complete` (the whole answer, ended normally), `incomplete` (ended
 * normally, but not a whole answer: a stream that closed with the provider's or the gateway's error
 * event), `cut` (cut short: its client saw a broken response).
 */
export type BodyEnding = "complete" | "incomplete" | "cut";

/** What a relayed body tells the cache: each chunk its client was sent, in order, then how it ended. */
export interface BodyRecorder {
  chunk(bytes: Uint8Array): void;
  end(ending: BodyEnding): void;
}

/** Chunks to replay, whole or still arriving. */
interface ChunkSource {
  readonly chunks: readonly Uint8Array[];
  /** `open` while more may come. */
  readonly state: "open" | BodyEnding;
  /** Calls `listener` on each new chunk and on the end; returns its removal. */
  subscribe(listener: () => void): () => void;
}

/**
 * One upstream call that identical requests share while it is under way (coalescing), recording
 * what its client is sent: followers replay the same bytes as they arrive, and the recording
 * becomes the cache entry once it is a whole 2xx answer. Its leader's thrown error becomes theirs.
 */
export class Flight implements BodyRecorder, ChunkSource {
  status = 0;
  headers: ResponseHeaders = {};
  stream = false;
  readonly chunks: Uint8Array[] = [];
  state: "open" | BodyEnding = "open";
  /** Followers replaying this flight, or waiting for its head; none can join once it is oversize. */
  followers = 0;
  /** Settles when the leader has its response's status and headers, or failed before. */
  readonly head: Promise<void>;
  private bytes = 0;
  private oversize = false;
  /** Nothing is kept any more: over the entry limit, with no follower to feed. */
  private dropped = false;
  private readonly listeners = new Set<() => void>();
  private settleHead!: () => void;
  private failHead!: (error: unknown) => void;

  constructor(
    private readonly onEnd: (flight: Flight) => void,
    /** Past the entry limit: stop taking followers, it will not be stored. */
    private readonly onOversize: (flight: Flight) => void,
  ) {
    this.head = new Promise<void>((resolve, reject) => {
      this.settleHead = resolve;
      this.failHead = reject;
    });
    // A flight nobody follows must not report its failure as unhandled.
    this.head.catch(() => {});
  }

  answered(status: number, headers: ResponseHeaders, stream: boolean): void {
    this.status = status;
    this.headers = headers;
    this.stream = stream;
    this.settleHead();
  }

  /** The leader got no response at all (its call threw). */
  failed(error: unknown): void {
    this.failHead(error);
    this.end("cut");
  }

  chunk(bytes: Uint8Array): void {
    if (this.state !== "open" || this.dropped) return;
    this.bytes += bytes.byteLength;
    if (!this.oversize && this.bytes > MAX_ENTRY_BYTES) {
      this.oversize = true;
      this.onOversize(this);
    }
    if (this.oversize && this.followers === 0) {
      this.dropped = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(bytes);
    this.notify();
  }

  end(ending: BodyEnding): void {
    if (this.state !== "open") return;
    this.state = ending;
    this.notify();
    this.onEnd(this);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What to store: a whole 2xx answer within the entry limit; undefined for anything else. */
  entry(): CachedAnswer | undefined {
    if (this.state !== "complete" || this.oversize || this.status < 200 || this.status >= 300) return undefined;
    return { status: this.status, headers: this.headers, stream: this.stream, chunks: this.chunks };
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A stored answer's chunks: all there, complete. */
export function storedChunks(chunks: readonly Uint8Array[]): ChunkSource {
  return { chunks, state: "complete", subscribe: () => () => {} };
}

/** How a replayed body ended: its source's ending, or its client left first. */
export type ReplayEnding = BodyEnding | "client-left";

/**
 * Chunks written to the client one by one with their boundaries, at the pace the client reads,
 * waiting for more while the source is open; ended or cut short as the source was.
 */
export class ReplayedBody implements BodySource {
  private sink: BodySink | undefined;
  private index = 0;
  private paused = false;
  private done = false;
  private bytesSent = 0;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly source: ChunkSource,
    private readonly onEnd: (ending: ReplayEnding, bytesSent: number) => void,
  ) {}

  start(sink: BodySink): void {
    this.sink = sink;
    this.unsubscribe = this.source.subscribe(() => this.pump());
    this.pump();
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  cancel(): void {
    if (!this.done) this.finish("client-left");
  }

  private pump(): void {
    const sink = this.sink;
    if (this.done || this.paused || !sink) return;
    const { chunks } = this.source;
    while (this.index < chunks.length) {
      const chunk = chunks[this.index++]!;
      this.bytesSent += chunk.byteLength;
      if (!sink.write(chunk)) {
        this.paused = true;
        return;
      }
    }
    const state = this.source.state;
    if (state === "open") return;
    if (state === "cut") sink.abort(new Error("the shared answer broke off before it was complete"));
    else sink.end();
    this.finish(state);
  }

  private finish(ending: ReplayEnding): void {
    this.done = true;
    this.unsubscribe();
    this.onEnd(ending, this.bytesSent);
  }
}
