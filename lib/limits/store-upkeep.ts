import { errorLine } from "@/lib/error-line";
import type { CounterCheck, CounterState } from "./store";
import { retryAfterMs, windowAt, windowRetentionMs, type WindowPosition, type WindowSpec } from "./window";

/** A check where it falls now: its window, and its place in the fixed order counters are taken in. */
export interface PlacedCheck<C extends Omit<CounterCheck, "amount"> = CounterCheck> {
  check: C;
  /** Its index in the request's checks. */
  index: number;
  position: WindowPosition;
}

/**
 * The checks in the one order every instance takes counters in (counter, then window), so two
 * requests over the same counters queue behind each other instead of each holding what the other waits for.
 */
export function placeChecks<C extends Omit<CounterCheck, "amount">>(checks: readonly C[], now: number): PlacedCheck<C>[] {
  return checks
    .map((check, index) => ({ check, index, position: windowAt(check.window, now) }))
    .sort((a, b) => (a.check.counter < b.check.counter ? -1 : a.check.counter > b.check.counter ? 1 : a.position.start - b.position.start));
}

/** When a window's counter stops counting (Infinity: never, a lifetime counter). */
export function counterExpiresAt(spec: WindowSpec, position: WindowPosition): number {
  return position.start + windowRetentionMs(spec, position);
}

/** The previous window's weighted share, as admission counts it: rounded down. */
export function weightedPrevious(position: WindowPosition, previous: number): number {
  return position.previousStart === undefined ? 0 : Math.floor(previous * position.previousWeight);
}

/** A counter's state from what its window (`current`) and the one before (`previous`, unweighted) hold. */
export function counterState(spec: WindowSpec, position: WindowPosition, now: number, limit: number, current: number, previous: number, refused: boolean): CounterState {
  const counted = current + weightedPrevious(position, previous);
  const state: CounterState = { counted, limit, remaining: Math.max(0, limit - counted), resetAt: position.end };
  if (refused) {
    const retry = retryAfterMs(spec, position, now, current, previous, limit);
    if (retry !== undefined) state.retryAfterMs = retry;
  }
  return state;
}

export interface UpkeepTasks {
  leaseMs: number;
  /** This instance's reservations in flight: renewed only while there are some. */
  inFlight(): number;
  renew(): Promise<void>;
  reconcile(): Promise<unknown>;
  prune(): Promise<void>;
  /** Names the store in the log line of a failed task. */
  name: string;
}

/** Every how many reconciliations expired counters are pruned: they pile up slowly, one per counter and window. */
const PRUNE_EVERY = 20;

/**
 * A store's background work on real time, whatever clock its windows use: leases renewed every
 * third of a lease while requests are in flight (so two renewals may fail before one expires), and
 * every half lease the reservations of dead instances reconciled, with expired counters pruned now
 * and then. Timers are unref'd: they never keep a process alive. A failed task is logged once per
 * run of failures and tried again next time.
 */
export class Upkeep {
  private readonly timers: NodeJS.Timeout[];
  private readonly failing = new Set<string>();
  private reconciles = 0;
  private busy = false;

  constructor(private readonly tasks: UpkeepTasks) {
    const renew = setInterval(() => {
      if (tasks.inFlight() > 0) void this.run("renewing leases", () => tasks.renew());
    }, Math.max(1, Math.floor(tasks.leaseMs / 3)));
    const reconcile = setInterval(() => {
      // One round at a time: a slow database must not stack them up.
      if (this.busy) return;
      this.busy = true;
      const prune = ++this.reconciles % PRUNE_EVERY === 0;
      void this.run("reconciling expired reservations", () => tasks.reconcile())
        .then(() => (prune ? this.run("pruning expired counters", () => tasks.prune()) : undefined))
        .finally(() => (this.busy = false));
    }, Math.max(1, Math.floor(tasks.leaseMs / 2)));
    this.timers = [renew, reconcile];
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  private async run(what: string, task: () => Promise<unknown>): Promise<void> {
    try {
      await task();
      this.failing.delete(what);
    } catch (error) {
      if (this.failing.has(what)) return;
      this.failing.add(what);
      console.error(`switchyard limits (${this.tasks.name}): ${what} failed, trying again later: ${errorLine(error)}`);
    }
  }
}
