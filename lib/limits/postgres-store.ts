import { sql } from "drizzle-orm";
import { rowsOf, type Database, type Transaction } from "@/db/client";
import type { ReservedCharge } from "@/db/schema";
import { uuidv7 } from "@/lib/ids";
import type { CounterCheck, CounterState, CounterStore, ReserveOutcome } from "./store";
import { counterExpiresAt, counterState, placeChecks, Upkeep, type PlacedCheck } from "./store-upkeep";

type Executor = Database | Transaction;

export interface PostgresCounterStoreOptions {
  /** Names this instance's reservations, whose leases it renews. */
  instanceId?: string;
  /** Epoch milliseconds; tests drive windows (and the leases reconcile() finds expired) with their own clock. */
  now?: () => number;
  /** How long a reservation lives unless its instance renews it. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 60_000;
/** Expired reservations reconciled per transaction: a backlog after an outage goes in bounded steps. */
const RECONCILE_BATCH = 100;

/** A counter and window to read. */
export interface CounterSlot {
  counter: string;
  windowStart: number;
}

/**
 * Counters in Postgres (or PGlite). A check is a conditional upsert, `INSERT … ON CONFLICT DO
 * UPDATE SET reserved = reserved + amount WHERE used + reserved + previous share < limit RETURNING`:
 * the row is locked and its WHERE re-checked on the newest version, so under READ COMMITTED no two
 * requests both take its last room. A request's checks are one statement (`reserveAll`), in
 * `placeChecks` order (no deadlocks), which also writes the reservation row. Settlement deletes
 * the reservation and moves its amounts from reserved to used; whoever deletes it (settle or
 * reconcile) is the only one that counts it.
 */
export class PostgresCounterStore implements CounterStore {
  readonly instanceId: string;
  readonly now: () => number;
  private readonly leaseMs: number;
  /** This instance's reservations in flight, by id: whether their settlement must commit synchronously. */
  private readonly inFlight = new Map<string, { durable: boolean }>();
  private readonly upkeep: Upkeep;

  constructor(
    private readonly db: Database,
    options: PostgresCounterStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? uuidv7();
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.upkeep = new Upkeep({
      name: "Postgres",
      leaseMs: this.leaseMs,
      inFlight: () => this.inFlight.size,
      renew: () => this.renew(),
      reconcile: () => this.reconcile(),
      prune: () => this.prune(),
    });
  }

  async reserve(checks: readonly CounterCheck[]): Promise<ReserveOutcome> {
    const now = this.now();
    const placed = placeChecks(checks, now);
    const reservationId = uuidv7(now);
    const charges: ReservedCharge[] = new Array(checks.length);
    for (const { check, index, position } of placed) charges[index] = { counter: check.counter, windowStart: position.start, amount: check.amount };
    const reservation: ReservationRow = {
      id: reservationId,
      instanceId: this.instanceId,
      charges,
      expiresAt: new Date(now + this.leaseMs),
    };
    const durable = checks.some((c) => c.durable);
    const { admitted, counts } = await reserveAll(this.db, placed, reservation, durable);
    if (admitted < placed.length) {
      // Read after the refusal rolled back: every counter as it is, none with this request in it.
      const index = placed[admitted]!.index;
      const read = await this.readAt(checks, now, index);
      return { admitted: false, refused: index, states: read };
    }
    const states: CounterState[] = new Array(checks.length);
    placed.forEach(({ check, index, position }, n) => {
      states[index] = counterState(check.window, position, now, check.limit, counts[n]!.current, counts[n]!.previous, false);
    });
    this.inFlight.set(reservationId, { durable });
    return { admitted: true, reservationId, states };
  }

  async settle(reservationId: string, actual: readonly number[]): Promise<void> {
    // Another instance's reservation (never settled here) is treated as the ledger's.
    const durable = this.inFlight.get(reservationId)?.durable ?? true;
    this.inFlight.delete(reservationId);
    // One statement, so one round trip and one commit: the counters are locked in placeChecks'
    // order (the CTE's ORDER BY … FOR UPDATE, in bytes as JavaScript compares ASCII keys), as
    // reserve takes them, so a settlement and a reservation never wait on each other in a cycle.
    await this.db.execute(sql`
      with ${commitMode(durable)},
      r as (delete from limit_reservations where id = ${reservationId} returning charges),
      c as (
        select e.charge->>'counter' as counter, (e.charge->>'windowStart')::bigint as window_start,
               sum((e.charge->>'amount')::bigint) as amount, sum(coalesce((a.actual)::bigint, 0)) as actual
          from commit_mode, r
         cross join lateral jsonb_array_elements(r.charges) with ordinality as e(charge, i)
          left join jsonb_array_elements_text(${JSON.stringify(actual)}::jsonb) with ordinality as a(actual, i) on a.i = e.i
         group by 1, 2),
      locked as (
        select l.counter, l.window_start, c.amount, c.actual
          from limit_counters l join c on l.counter = c.counter and l.window_start = c.window_start
         order by l.counter collate "C", l.window_start
           for update of l)
      update limit_counters l
         set used = l.used + locked.actual, reserved = greatest(0, l.reserved - locked.amount)
        from locked
       where l.counter = locked.counter and l.window_start = locked.window_start`);
  }

  async read(checks: readonly Omit<CounterCheck, "amount">[]): Promise<CounterState[]> {
    return this.readAt(checks, this.now());
  }

  async reconcile(): Promise<number> {
    let reconciled = 0;
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        // SKIP LOCKED: a reservation another reconciler (or its settle) holds is theirs to count.
        const rows = rowsOf<{ charges: ReservedCharge[] }>(
          await tx.execute(sql`
            delete from limit_reservations
             where id in (select id from limit_reservations where expires_at < ${new Date(this.now()).toISOString()}::timestamptz
                          order by expires_at limit ${RECONCILE_BATCH} for update skip locked)
            returning charges`),
        );
        // Charged as reserved: what its provider generated before the instance died is unknown.
        await release(tx, rows.flatMap((r) => r.charges.map((c) => ({ ...c, actual: c.amount }))));
        return rows.length;
      });
      reconciled += batch;
      if (batch < RECONCILE_BATCH) return reconciled;
    }
  }

  /** Pushes this instance's leases on: its requests are alive. */
  async renew(): Promise<void> {
    await this.db.execute(sql`update limit_reservations set expires_at = ${new Date(this.now() + this.leaseMs).toISOString()}::timestamptz where instance_id = ${this.instanceId}`);
  }

  async close(): Promise<void> {
    this.upkeep.stop();
  }

  /** Deletes counters whose windows no longer count. */
  async prune(): Promise<void> {
    await pruneCounters(this.db, this.now());
  }

  /** States of `checks` at `now`; `refused` gets its retry time. */
  private async readAt(checks: readonly Omit<CounterCheck, "amount">[], now: number, refused?: number): Promise<CounterState[]> {
    const placed = placeChecks(checks, now);
    const slots: CounterSlot[] = placed.flatMap(({ check, position }) => [
      { counter: check.counter, windowStart: position.start },
      ...(position.previousStart === undefined ? [] : [{ counter: check.counter, windowStart: position.previousStart }]),
    ]);
    const counts = await readCounts(this.db, slots);
    const count = (counter: string, windowStart: number | undefined) => (windowStart === undefined ? 0 : (counts.get(slotKey({ counter, windowStart })) ?? 0));
    const states: CounterState[] = new Array(checks.length);
    for (const { check, index, position } of placed) {
      states[index] = counterState(check.window, position, now, check.limit, count(check.counter, position.start), count(check.counter, position.previousStart), index === refused);
    }
    return states;
  }
}

interface ReservationRow {
  id: string;
  instanceId: string;
  charges: ReservedCharge[];
  expiresAt: Date;
}

/** Marks the error a statement of `reserveAll` raises to roll back the checks it admitted before one it refused. */
const REFUSED_AT = "switchyard limits: refused after ";
/** REFUSED_AT as the cast error quotes it, with the count (the statement's parameters hold the marker alone). */
const REFUSED_AT_COUNT = /switchyard limits: refused after (\d+)/;

/**
 * Takes each check's room and reserves its amount, in `placed`'s order, and writes the reservation
 * row, in one statement (one round trip, one commit, each lock held only until it): each check's
 * conditional upsert reads the one before's row, so it runs only once that one is admitted, and
 * locks its counter after it. A refusal after admitted checks fails the statement with REFUSED_AT
 * (a cast error: SQL alone cannot raise), which rolls them back. Answers how many were admitted
 * (all, or the index of the refused one) and, when all were, their counts in `placed`'s order.
 */
async function reserveAll(
  db: Database,
  placed: readonly PlacedCheck[],
  reservation: ReservationRow,
  durable: boolean,
): Promise<{ admitted: number; counts: { current: number; previous: number }[] }> {
  const steps = placed.map(({ check, position }, n) => {
    const expires = counterExpiresAt(check.window, position);
    const expiresAt = Number.isFinite(expires) ? sql`${new Date(expires).toISOString()}::timestamptz` : sql`'infinity'::timestamptz`;
    const previous =
      position.previousStart === undefined
        ? sql`select 0::bigint as n`
        : sql`select coalesce((select used + reserved from limit_counters where counter = ${check.counter} and window_start = ${position.previousStart}), 0)::bigint as n`;
    const weight = sql`${position.previousWeight}::float8`;
    const [prev, counted] = [sql.raw(`prev${n}`), sql.raw(`counted${n}`)];
    const after = n === 0 ? sql`commit_mode` : sql.raw(`counted${n - 1}`);
    return sql`${prev} as (${previous}),
    ${counted} as (
      insert into limit_counters as l (counter, window_start, reserved, expires_at)
      select ${check.counter}, ${position.start}, ${check.amount}::bigint, ${expiresAt} from ${after}, ${prev} where floor(${prev}.n * ${weight}) < ${check.limit}
      on conflict (counter, window_start) do update set reserved = l.reserved + excluded.reserved
        where l.used + l.reserved + (select floor(n * ${weight}) from ${prev}) < ${check.limit}
      returning l.used + l.reserved as current
    )`;
  });
  const last = sql.raw(`counted${placed.length - 1}`);
  const admitted = sql.join(
    placed.map((_, n) => sql`(select count(*) from ${sql.raw(`counted${n}`)})`),
    sql` + `,
  );
  const columns = sql.join(
    placed.map((_, n) => sql`${sql.raw(`counted${n}`)}.current as ${sql.raw(`current${n}`)}, ${sql.raw(`prev${n}`)}.n as ${sql.raw(`previous${n}`)}`),
    sql`, `,
  );
  const joins = sql.join(
    placed.map((_, n) => sql`cross join ${sql.raw(`prev${n}`)} left join ${sql.raw(`counted${n}`)} on true`),
    sql` `,
  );
  let result: unknown;
  try {
    result = await db.execute(sql`
      with ${commitMode(durable)},
      ${sql.join(steps, sql`,
`)},
      reservation as (
        insert into limit_reservations (id, instance_id, charges, expires_at)
        select ${reservation.id}, ${reservation.instanceId}, ${JSON.stringify(reservation.charges)}::jsonb, ${reservation.expiresAt.toISOString()}::timestamptz from ${last})
      select g.admitted,
             case when g.admitted between 1 and ${placed.length - 1} then (${REFUSED_AT} || g.admitted)::int end as rolled_back,
             ${columns}
        from (select ${admitted} as admitted) g ${joins}`);
  } catch (error) {
    const refusedAfter = refusedAfterOf(error);
    if (refusedAfter === undefined) throw error;
    return { admitted: refusedAfter, counts: [] };
  }
  const [row] = rowsOf<Record<string, string | number | null>>(result);
  const admittedChecks = Number(row!.admitted);
  const counts = placed.slice(0, admittedChecks).map((_, n) => ({ current: Number(row![`current${n}`]), previous: Number(row![`previous${n}`]) }));
  return { admitted: admittedChecks, counts };
}

/** How many checks a statement of `reserveAll` admitted before it refused one, when `error` is its rollback. */
function refusedAfterOf(error: unknown): number | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const match = REFUSED_AT_COUNT.exec(e.message);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The `commit_mode` CTE, which a statement must read for it to run: a rate limit's counts may be
 * lost with a crash (they only shape traffic), so its transaction commits without waiting for the
 * WAL flush, which is what every request on a hot counter otherwise queues behind; a budget's or
 * credits' are the ledger and keep the server's setting. Set in the statement, not by a SET LOCAL, to cost
 * no round trip; `set_config(…, true)` lasts to the end of the transaction, whose commit reads it.
 */
function commitMode(durable: boolean) {
  return durable ? sql`commit_mode as (select current_setting('synchronous_commit'))` : sql`commit_mode as (select set_config('synchronous_commit', 'off', true))`;
}

/** Moves each charge's amount from reserved to used as `actual`, summed per counter, in `placeChecks`' order. */
async function release(tx: Transaction, charges: readonly (ReservedCharge & { actual: number })[]): Promise<void> {
  const sums = new Map<string, CounterSlot & { amount: number; actual: number }>();
  for (const charge of charges) {
    const key = slotKey(charge);
    const sum = sums.get(key) ?? { counter: charge.counter, windowStart: charge.windowStart, amount: 0, actual: 0 };
    sum.amount += charge.amount;
    sum.actual += charge.actual;
    sums.set(key, sum);
  }
  const sorted = [...sums.values()].sort((a, b) => (a.counter < b.counter ? -1 : a.counter > b.counter ? 1 : a.windowStart - b.windowStart));
  for (const s of sorted) {
    await tx.execute(sql`
      update limit_counters set used = used + ${s.actual}::bigint, reserved = greatest(0, reserved - ${s.amount}::bigint)
       where counter = ${s.counter} and window_start = ${s.windowStart}`);
  }
}

export function slotKey(slot: CounterSlot): string {
  return `${slot.windowStart}|${slot.counter}`;
}

/** Deletes counters whose windows no longer count. */
export async function pruneCounters(db: Database, now: number): Promise<void> {
  await db.execute(sql`delete from limit_counters where expires_at < ${new Date(now).toISOString()}::timestamptz`);
}

/** `used + reserved` (or `used` alone) of each slot that has a row, by `slotKey`, in one query. */
export async function readCounts(db: Executor, slots: readonly CounterSlot[], what: "counted" | "used" = "counted"): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (slots.length === 0) return counts;
  const wanted = sql.join(
    slots.map((s) => sql`(${s.counter}, ${s.windowStart}::bigint)`),
    sql`, `,
  );
  const rows = rowsOf<{ counter: string; window_start: string | number; n: string | number }>(
    await db.execute(sql`select counter, window_start, ${what === "used" ? sql`used` : sql`used + reserved`} as n from limit_counters where (counter, window_start) in (${wanted})`),
  );
  for (const row of rows) counts.set(slotKey({ counter: row.counter, windowStart: Number(row.window_start) }), Number(row.n));
  return counts;
}
