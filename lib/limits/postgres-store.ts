import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { limitCounters, limitReservations, type ReservedCharge } from "@/db/schema";
import { uuidv7 } from "@/lib/ids";
import type { CounterCheck, CounterState, CounterStore, ReserveOutcome } from "./store";
import { windowAt, windowRetentionMs, type WindowPosition } from "./window";

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface PostgresCounterStoreOptions {
  /** Names this instance's reservations, whose leases it renews. */
  instanceId?: string;
  /** Epoch milliseconds; tests drive windows with their own clock. */
  now?: () => number;
  /** How long a reservation lives unless its instance renews it. */
  leaseMs?: number;
}

/** A year, for the expiry of counters that never reset (credits): the column needs a time. */
const LIFETIME_RETENTION_MS = 365 * 86_400_000;
const DEFAULT_LEASE_MS = 60_000;

/**
 * Counters in Postgres: a request's checks in one transaction, each one conditional
 * `UPDATE … WHERE counted < limit RETURNING`, taken in a fixed order so that concurrent requests
 * over the same counters queue on their rows instead of deadlocking.
 */
export class PostgresCounterStore implements CounterStore {
  readonly instanceId: string;
  readonly now: () => number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Database,
    options: PostgresCounterStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? uuidv7();
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async reserve(checks: readonly CounterCheck[]): Promise<ReserveOutcome> {
    const now = this.now();
    const positions = checks.map((c) => windowAt(c.window, now));
    const order = checks.map((_, i) => i).sort((a, b) => compareCounters(checks[a]!, positions[a]!, checks[b]!, positions[b]!));
    const reservationId = uuidv7(now);
    const refusal = new Error("refused");
    const states: CounterState[] = new Array(checks.length);
    let refused = -1;
    try {
      await this.db.transaction(async (tx) => {
        for (const i of order) {
          const check = checks[i]!;
          const position = positions[i]!;
          await ensureRow(tx, check, position, now);
          const previous = await previousCounted(tx, check.counter, position);
          const [row] = await tx
            .update(limitCounters)
            .set({ reserved: sql`${limitCounters.reserved} + ${check.amount}` })
            .where(
              and(
                eq(limitCounters.counter, check.counter),
                eq(limitCounters.windowStart, position.start),
                sql`${limitCounters.used} + ${limitCounters.reserved} + ${previous} < ${check.limit}`,
              ),
            )
            .returning({ used: limitCounters.used, reserved: limitCounters.reserved });
          if (!row) {
            const current = await readRow(tx, check.counter, position.start);
            states[i] = stateOf(check.limit, previous + current, position, now, true);
            refused = i;
            throw refusal;
          }
          states[i] = stateOf(check.limit, previous + row.used + row.reserved, position, now, false);
        }
        const charges: ReservedCharge[] = checks.map((c, i) => ({ counter: c.counter, windowStart: positions[i]!.start, amount: c.amount }));
        await tx.insert(limitReservations).values({ id: reservationId, instanceId: this.instanceId, charges, expiresAt: new Date(now + this.leaseMs) });
      });
    } catch (error) {
      if (error !== refusal) throw error;
      return { admitted: false, refused, states: fill(states, checks, positions, now) };
    }
    return { admitted: true, reservationId, states };
  }

  async settle(reservationId: string, actual: readonly number[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [reservation] = await tx.delete(limitReservations).where(eq(limitReservations.id, reservationId)).returning();
      if (!reservation) return;
      await release(tx, reservation.charges, actual);
    });
  }

  async read(checks: readonly Omit<CounterCheck, "amount">[]): Promise<CounterState[]> {
    const now = this.now();
    return Promise.all(
      checks.map(async (check) => {
        const position = windowAt(check.window, now);
        const previous = await previousCounted(this.db, check.counter, position);
        return stateOf(check.limit, previous + (await readRow(this.db, check.counter, position.start)), position, now, false);
      }),
    );
  }

  async reconcile(): Promise<number> {
    let reconciled = 0;
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const [expired] = await tx
          .select()
          .from(limitReservations)
          .where(lt(limitReservations.expiresAt, new Date(this.now())))
          .limit(1)
          .for("update", { skipLocked: true });
        if (!expired) return true;
        await tx.delete(limitReservations).where(eq(limitReservations.id, expired.id));
        // Charged as reserved: what its provider generated before the instance died is unknown.
        await release(tx, expired.charges, expired.charges.map((c) => c.amount));
        return false;
      });
      if (done) return reconciled;
      reconciled++;
    }
  }

  /** Pushes this instance's leases on: its requests are alive. */
  async renew(): Promise<void> {
    await this.db
      .update(limitReservations)
      .set({ expiresAt: new Date(this.now() + this.leaseMs) })
      .where(eq(limitReservations.instanceId, this.instanceId));
  }

  async close(): Promise<void> {}

  /** Deletes counters whose windows no longer count. */
  async prune(): Promise<void> {
    await this.db.delete(limitCounters).where(lt(limitCounters.expiresAt, new Date(this.now())));
  }
}

function compareCounters(a: CounterCheck, pa: WindowPosition, b: CounterCheck, pb: WindowPosition): number {
  return a.counter < b.counter ? -1 : a.counter > b.counter ? 1 : pa.start - pb.start;
}

async function ensureRow(tx: Transaction, check: CounterCheck, position: WindowPosition, now: number): Promise<void> {
  const retention = windowRetentionMs(check.window, position);
  const expiresAt = new Date(Number.isFinite(retention) ? position.start + retention : now + LIFETIME_RETENTION_MS);
  await tx.insert(limitCounters).values({ counter: check.counter, windowStart: position.start, expiresAt }).onConflictDoNothing();
}

async function readRow(db: Database | Transaction, counter: string, windowStart: number): Promise<number> {
  const [row] = await db
    .select({ used: limitCounters.used, reserved: limitCounters.reserved })
    .from(limitCounters)
    .where(and(eq(limitCounters.counter, counter), eq(limitCounters.windowStart, windowStart)));
  return row ? row.used + row.reserved : 0;
}

/** The previous window's share of a sliding window's count (0 otherwise), rounded down. */
async function previousCounted(db: Database | Transaction, counter: string, position: WindowPosition): Promise<number> {
  if (position.previousStart === undefined || position.previousWeight === 0) return 0;
  return Math.floor((await readRow(db, counter, position.previousStart)) * position.previousWeight);
}

async function release(tx: Transaction, charges: readonly ReservedCharge[], actual: readonly number[]): Promise<void> {
  const sorted = charges.map((c, i) => ({ ...c, actual: actual[i] ?? 0 })).sort((a, b) => (a.counter < b.counter ? -1 : a.counter > b.counter ? 1 : a.windowStart - b.windowStart));
  for (const charge of sorted) {
    await tx
      .update(limitCounters)
      .set({ used: sql`${limitCounters.used} + ${charge.actual}`, reserved: sql`greatest(0, ${limitCounters.reserved} - ${charge.amount})` })
      .where(and(eq(limitCounters.counter, charge.counter), eq(limitCounters.windowStart, charge.windowStart)));
  }
}

function stateOf(limit: number, counted: number, position: WindowPosition, now: number, refused: boolean): CounterState {
  const state: CounterState = { counted, limit, remaining: Math.max(0, limit - counted), resetAt: position.end };
  if (refused && Number.isFinite(position.end)) state.retryAfterMs = Math.max(0, position.end - now);
  return state;
}

/** States for the checks a refusal never reached, as they were. */
function fill(states: CounterState[], checks: readonly CounterCheck[], positions: readonly WindowPosition[], now: number): CounterState[] {
  return checks.map((c, i) => states[i] ?? stateOf(c.limit, 0, positions[i]!, now, false));
}

