import type { WindowSpec } from "./window";

/** One counter a request is checked and counted against. */
export interface CounterCheck {
  /** `counterKey(rule, subject)`. */
  counter: string;
  window: WindowSpec;
  /** Requests, tokens or micro-dollars per window. */
  limit: number;
  /**
   * Reserved now and released at settlement, when the actual amount is counted instead: 1 for a
   * request, the worst case for a cost, 0 for tokens (counted only once the answer reports them).
   */
  amount: number;
  /** Kept in Postgres even when Redis counts (budgets, credits): survives a Redis restart; the dashboard reads it. */
  durable: boolean;
}

/** A counter as a check found it (after its own reservation, when admitted). */
export interface CounterState {
  /** Used and reserved in the window, the previous window's weighted share included (sliding). */
  counted: number;
  limit: number;
  /** `max(0, limit − counted)`. */
  remaining: number;
  /** Epoch milliseconds the window ends (Infinity for a lifetime counter). */
  resetAt: number;
  /** For a refused check: milliseconds until a request would be admitted again, if time alone frees room (not for credits). */
  retryAfterMs?: number;
}

/**
 * The rule of admission, on every counter of a request at once: admitted while `counted < limit`
 * on every one, then each check's `amount` is reserved; refused, nothing is. So concurrent
 * requests can overshoot a limit by at most one request's reservation per counter, never more.
 */
export type ReserveOutcome =
  | { admitted: true; reservationId: string; states: CounterState[] }
  | { admitted: false; refused: number; states: CounterState[] };

/**
 * Where counters live: Redis (a script) when `REDIS_URL` is set, else Postgres (a conditional
 * UPDATE … RETURNING). Both are atomic across every instance sharing them.
 */
export interface CounterStore {
  /** Epoch milliseconds by the store's clock, which places its windows: what response headers count to a window's end from. */
  now(): number;
  reserve(checks: readonly CounterCheck[]): Promise<ReserveOutcome>;
  /**
   * Releases the reservation and counts what was actually used, per check in `reserve`'s order, in
   * the windows it was reserved in. Once per reservation; an unknown id (already reconciled) is a no-op.
   */
  settle(reservationId: string, actual: readonly number[]): Promise<void>;
  /** The counters now, without reserving (the dashboard, the CLI, response headers). */
  read(checks: readonly Omit<CounterCheck, "amount">[]): Promise<CounterState[]>;
  /**
   * Reservations whose instance stopped renewing them (killed, crashed) are charged as reserved,
   * since what their providers generated is unknown, and released; how many. Each instance runs it
   * now and then; a reservation is reconciled once however many run it.
   */
  reconcile(): Promise<number>;
  /** Stops renewing this instance's reservations (they expire unless settled) and closes connections. */
  close(): Promise<void>;
}

/**
 * The counters' store did not answer in time (Redis out of reach or too slow): admission cannot
 * know the counts, so the request is refused rather than let through uncounted (fail closed).
 */
export class CounterStoreUnavailableError extends Error {
  constructor(store: string, options?: { cause?: unknown }) {
    super(`the limits' counter store (${store}) is unavailable`, options);
    this.name = "CounterStoreUnavailableError";
  }
}
