import { describeDatabaseError, isTransientDatabaseError } from "@/db/client";
import type { LogEvent, LogSink } from "./types";
import { withoutDetails } from "./writer";

export interface LogQueueOptions {
  /**
   * Persists one batch; in production the database handle's `writeLogs`, which runs writeLogBatch on
   * a worker thread, so this thread only hands the batch over.
   */
  write: (events: LogEvent[]) => Promise<void>;
  /** Rows held in memory (waiting or being written) before new rows are dropped; from half of it, new payloads are. */
  maxQueued?: number;
  /** Rows per write; reaching it starts a write before the timer does. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Payload bytes held in memory before new payloads are dropped (their rows are kept). */
  maxPayloadQueuedBytes?: number;
  /** First wait before writing again while the database cannot be reached; it doubles from there. */
  retryDelayMs?: number;
  /** The longest wait between attempts while the database cannot be reached. */
  maxRetryDelayMs?: number;
}

export interface LogQueueStats {
  /** Rows accepted and not yet written or given up on, the batch being written included. */
  queued: number;
  written: number;
  /** Rows refused because the queue was full or closed. */
  dropped: number;
  /** Rows kept without their payload because payload memory was full. */
  payloadsDropped: number;
  /** Rows lost because the database refused them even without their details. */
  failed: number;
}

/** What a write returns once `close` stopped waiting for the database: the rows stay counted in `queued`. */
const ABANDONED = Symbol("abandoned");

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
 *
 * Failed writes: while the database cannot be reached, the batch waits and is written when it can
 * (the bounds above still hold for what arrives meanwhile). A batch the database refuses for its
 * contents is split until the refused rows are alone, so no other row is lost with them (see
 * `writeIsolating`). `close()` (shutdown) refuses new events and writes what is queued.
 */
export class LogQueue implements LogSink {
  private readonly write: (events: LogEvent[]) => Promise<void>;
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private readonly maxPayloadQueuedBytes: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly timer: NodeJS.Timeout;

  private waiting: QueuedEvent[] = [];
  private writingCount = 0;
  private payloadBytes = 0;
  /** The write cycle in progress; there is never more than one. */
  private cycle: Promise<void> | undefined;
  private closed = false;
  /** Set when `close` stopped waiting for the database: writing stops and what is held is left. */
  private abandoned = false;
  /** When writes started failing to reach the database, during an outage. */
  private unreachableSince: number | undefined;
  private readonly counts = { written: 0, dropped: 0, payloadsDropped: 0, failed: 0 };

  constructor(options: LogQueueOptions) {
    this.write = options.write;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.maxPayloadQueuedBytes = options.maxPayloadQueuedBytes ?? 64 * 1024 * 1024;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.maxRetryDelayMs = Math.max(this.retryDelayMs, options.maxRetryDelayMs ?? 5_000);
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
    while (!this.abandoned && (this.cycle || this.waiting.length > 0)) await (this.cycle ?? this.startCycle(1));
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
      this.abandoned = true;
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
    // Yield first, so a write started by enqueue() copies its batch to the writer after the request path moves on.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length >= minBatch && this.waiting.length > 0 && !this.abandoned) {
      const batch = this.waiting.splice(0, this.batchSize);
      this.writingCount = batch.length;
      await this.writeIsolating(batch.map((queued) => queued.event));
      for (const queued of batch) this.payloadBytes -= queued.payloadBytes;
    }
  }

  /**
   * Writes `events`, and when the database refuses them for what they hold, halves the batch until
   * the refused rows stand alone: the others are written, and a refused row is stored without its
   * details (`withoutDetails`) or, refused again, counted in `failed`. About 2·log2(n) extra writes
   * per bad row.
   */
  private async writeIsolating(events: LogEvent[]): Promise<void> {
    const refusal = await this.writeWhenReachable(events);
    if (refusal === ABANDONED) return;
    if (refusal === undefined) {
      this.settle(events.length, "written");
    } else if (events.length > 1) {
      const middle = events.length >>> 1;
      await this.writeIsolating(events.slice(0, middle));
      await this.writeIsolating(events.slice(middle));
    } else {
      const [event] = events as [LogEvent];
      const stored = await this.writeWhenReachable([withoutDetails(event, refusal.error)]);
      if (stored === ABANDONED) return;
      const where = `log row ${event.log.id} (team ${event.log.teamId})`;
      if (stored === undefined) {
        this.settle(1, "written");
        console.error(`[logs] ${where} stored without its details; the database refused it: ${describeDatabaseError(refusal.error)}`);
      } else {
        this.settle(1, "failed");
        console.error(`[logs] ${where} dropped; the database refused it, even without its details: ${describeDatabaseError(stored.error)}`);
      }
    }
  }

  /**
   * Writes `events` once the database can be reached: a connection that fails (or a deadlock) is
   * the database's state, not the rows', so it waits (doubling up to `maxRetryDelayMs`) and tries
   * again for as long as it takes; meanwhile the queue's bounds keep memory in check. Resolves with
   * the refusal when the database rejected the rows themselves.
   */
  private async writeWhenReachable(events: LogEvent[]): Promise<{ error: unknown } | typeof ABANDONED | undefined> {
    for (let delay = this.retryDelayMs; ; delay = Math.min(delay * 2, this.maxRetryDelayMs)) {
      if (this.abandoned) return ABANDONED;
      try {
        await this.write(events);
        if (this.unreachableSince !== undefined) {
          console.error(`[logs] the database is reachable again after ${Date.now() - this.unreachableSince} ms; writing the held rows`);
          this.unreachableSince = undefined;
        }
        return undefined;
      } catch (error) {
        if (!isTransientDatabaseError(error)) return { error };
        if (this.unreachableSince === undefined) {
          this.unreachableSince = Date.now();
          console.error(`[logs] cannot write log rows (${describeDatabaseError(error)}); holding them and retrying until the database answers`);
        }
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  /** Rows of the batch being written that are done with, one way or the other. */
  private settle(rows: number, outcome: "written" | "failed"): void {
    this.counts[outcome] += rows;
    this.writingCount -= rows;
  }
}

/** Approximate bytes a payload holds in memory: its strings' lengths. */
function payloadSize(payload: NonNullable<LogEvent["payload"]>): number {
  let size = (payload.requestBody?.length ?? 0) + (payload.responseBody?.length ?? 0);
  for (const headers of [payload.requestHeaders, payload.responseHeaders]) {
    if (!headers) continue;
    for (const [name, value] of Object.entries(headers)) size += name.length + String(value).length;
  }
  return size;
}
