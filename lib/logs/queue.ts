import type { NewRequestLogPayload } from "@/db/schema";
import type { LogEvent, LogSink } from "./types";

export interface LogQueueOptions {
  /** Persists one batch; `writeLogBatch` bound to a database in production. */
  write: (events: LogEvent[]) => Promise<void>;
  /** Rows held in memory (waiting or being written) before new rows are dropped; from half of it, new payloads are. */
  maxQueued?: number;
  /** Rows per write; reaching it starts a write before the timer does. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Payload bytes held in memory before new payloads are dropped (their rows are kept). */
  maxPayloadQueuedBytes?: number;
  /** Wait before the one retry of a failed write. */
  retryDelayMs?: number;
}

export interface LogQueueStats {
  /** Rows accepted and not yet written or given up on, the batch being written included. */
  queued: number;
  written: number;
  /** Rows refused because the queue was full or closed. */
  dropped: number;
  /** Rows kept without their payload because payload memory was full. */
  payloadsDropped: number;
  /** Rows lost because their batch failed twice. */
  failed: number;
}

interface QueuedEvent {
  event: LogEvent;
  payloadBytes: number;
}

/**
 * The bounded, batched log pipeline between the request path and the database. `enqueue` only
 * appends to memory; writes happen later, one at a time, in multi-row batches.
 *
 * Full-queue policy: the request never waits for logging. `enqueue` is synchronous and never
 * blocks, however slow or absent the database is; when the queue fills, it sheds the expensive
 * part first and counts what it sheds:
 * 1. Payloads first. Once half of `maxQueued` rows are held, or `maxPayloadQueuedBytes` of payloads,
 *    a new event keeps its row but loses its bodies (`payloadsDropped`). Bodies are most of a
 *    batch's bytes, so this also makes the backlog quicker to write.
 * 2. Then rows. At `maxQueued` rows a new event is dropped whole (`dropped`).
 * A failed write is retried once, then its rows are counted in `failed` and dropped. `close()`
 * (shutdown) refuses new events and writes what is queued.
 */
export class LogQueue implements LogSink {
  private readonly write: (events: LogEvent[]) => Promise<void>;
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private readonly maxPayloadQueuedBytes: number;
  private readonly retryDelayMs: number;
  private readonly timer: NodeJS.Timeout;

  private waiting: QueuedEvent[] = [];
  private writingCount = 0;
  private payloadBytes = 0;
  /** The write cycle in progress; there is never more than one. */
  private cycle: Promise<void> | undefined;
  private closed = false;
  private readonly counts = { written: 0, dropped: 0, payloadsDropped: 0, failed: 0 };

  constructor(options: LogQueueOptions) {
    this.write = options.write;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.maxPayloadQueuedBytes = options.maxPayloadQueuedBytes ?? 64 * 1024 * 1024;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.timer = setInterval(() => {
      if (this.waiting.length > 0) void this.startCycle(1);
    }, options.flushIntervalMs ?? 250);
    // Logging must never be what keeps the process alive; shutdown calls close().
    this.timer.unref();
  }

  enqueue(event: LogEvent): void {
    if (this.closed || this.waiting.length + this.writingCount >= this.maxQueued) {
      this.counts.dropped++;
      return;
    }
    let queued: QueuedEvent = { event, payloadBytes: 0 };
    if (event.payload) {
      const bytes = payloadSize(event.payload);
      const held = this.waiting.length + this.writingCount;
      if (held >= this.maxQueued / 2 || this.payloadBytes + bytes > this.maxPayloadQueuedBytes) {
        queued = { event: { log: event.log }, payloadBytes: 0 };
        this.counts.payloadsDropped++;
      } else {
        queued.payloadBytes = bytes;
        this.payloadBytes += bytes;
      }
    }
    this.waiting.push(queued);
    if (this.waiting.length >= this.batchSize) void this.startCycle(this.batchSize);
  }

  /** Writes everything queued, waiting for any write in progress; for shutdown and tests. */
  async flush(): Promise<void> {
    while (this.cycle || this.waiting.length > 0) await (this.cycle ?? this.startCycle(1));
  }

  /**
   * Stops the timer, refuses new events and writes what is queued. With `deadlineMs`, it stops
   * waiting after that long (a database that does not answer must not hold shutdown forever) and
   * reports the rows left unwritten; they stay in `queued`.
   */
  async close(deadlineMs?: number): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    if (deadlineMs === undefined) return this.flush();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<true>((resolve) => {
      timer = setTimeout(resolve, deadlineMs, true);
    });
    const gaveUp = await Promise.race([this.flush().then(() => false), expired]);
    clearTimeout(timer);
    if (gaveUp) {
      console.error(`[logs] ${this.stats().queued} log rows not written: the database did not take them within ${deadlineMs} ms`);
    }
  }

  stats(): LogQueueStats {
    return { queued: this.waiting.length + this.writingCount, ...this.counts };
  }

  /** Starts writing batches unless a cycle is already running; it writes while `minBatch` rows wait. */
  private startCycle(minBatch: number): Promise<void> {
    this.cycle ??= this.writeBatches(minBatch).finally(() => {
      this.cycle = undefined;
    });
    return this.cycle;
  }

  private async writeBatches(minBatch: number): Promise<void> {
    // Yield first, so a write started by enqueue() builds its SQL after the request path moves on.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length >= minBatch && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.batchSize);
      this.writingCount = batch.length;
      await this.writeWithRetry(batch.map((queued) => queued.event));
      this.writingCount = 0;
      for (const queued of batch) this.payloadBytes -= queued.payloadBytes;
    }
  }

  private async writeWithRetry(events: LogEvent[]): Promise<void> {
    try {
      await this.write(events);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      try {
        await this.write(events);
      } catch (error) {
        this.counts.failed += events.length;
        console.error(`[logs] dropped ${events.length} log rows after a failed retry: ${describe(error)}`);
        return;
      }
    }
    this.counts.written += events.length;
  }
}

/** Approximate bytes a payload holds in memory: its strings' lengths. */
function payloadSize(payload: NewRequestLogPayload): number {
  let size = (payload.requestBody?.length ?? 0) + (payload.responseBody?.length ?? 0);
  for (const headers of [payload.requestHeaders, payload.responseHeaders]) {
    if (!headers) continue;
    for (const [name, value] of Object.entries(headers)) size += name.length + String(value).length;
  }
  return size;
}

/**
 * The database's reason, not the failed statement: drizzle's own message quotes the query and its
 * parameters, which hold request and response bodies.
 */
function describe(error: unknown): string {
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = reason instanceof Error ? reason.message : String(reason);
  const firstLine = message.split("\n", 1)[0] ?? "";
  return firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
}
