import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import type { Database } from "@/db/client";
import { errorLine } from "@/lib/error-line";
import { uuidv7 } from "@/lib/ids";
import { DEFAULT_LEASE_MS, pruneCounters, readCounts, slotKey, type CounterSlot } from "./postgres-store";
import { CounterStoreUnavailableError, type CounterCheck, type CounterState, type CounterStore, type ReserveOutcome } from "./store";
import { counterExpiresAt, counterState, placeChecks, Upkeep, type PlacedCheck } from "./store-upkeep";

export interface RedisCounterStoreOptions {
  url: string;
  /** The ledger: durable counters (budgets, credits) are seeded from it and their settled amounts added to it. */
  db: Database;
  instanceId?: string;
  /** Epoch milliseconds, for windows, key expiry and leases; tests drive it. */
  now?: () => number;
  leaseMs?: number;
  /** Put before every key: one deployment's (or one test's) counters apart from another's on the same Redis. */
  keyPrefix?: string;
  /** How long a command may take before the store counts as unavailable. */
  commandTimeoutMs?: number;
}

const DEFAULT_PREFIX = "switchyard:limits:";
const DEFAULT_COMMAND_TIMEOUT_MS = 500;
/** How often settled durable amounts are added to Postgres. */
const FLUSH_MS = 1000;
const RECONCILE_BATCH = 100;
/** Seeding rounds before giving up on a durable counter Redis keeps losing (evicting at once). */
const SEED_ATTEMPTS = 3;

/**
 * Counters: hash `{prefix}c:{windowStart}:{counter}` with `u` (used) and `r` (reserved), expiring
 * with their window's retention. A durable counter has `u` only once seeded from Postgres, so a
 * missing `u` is a counter Redis lost (restart, eviction) or never had.
 * Reservations: `{prefix}r:{id}`, their keys and amounts as JSON, leased in the sorted set
 * `{prefix}leases` (score: expiry). Scripts touch only keys of this prefix, on one Redis (not Cluster).
 *
 * ARGV: mode ('reserve' | 'read'), n, reservation id, lease expiry, reservation JSON, then per
 * check: limit, amount, weight of the previous window, expiry of the counter (0: none), durable, has previous.
 * KEYS: per check its counter and its previous window's (the same key when it has none), then the
 * reservation and the leases.
 * Answers {'missing', slots}, {'refused', i, current, previous}, {'ok' | 'read', current, previous}.
 */
const RESERVE = `
local n = tonumber(ARGV[2])
local current, previous, missing = {}, {}, {}
for i = 1, n do
  local base = 5 + (i - 1) * 6
  local durable = ARGV[base + 5] == '1'
  local c = redis.call('HMGET', KEYS[2 * i - 1], 'u', 'r')
  if durable and not c[1] then table.insert(missing, 2 * i - 1) end
  current[i] = tonumber(c[1] or 0) + tonumber(c[2] or 0)
  previous[i] = 0
  if ARGV[base + 6] == '1' then
    local p = redis.call('HMGET', KEYS[2 * i], 'u', 'r')
    if durable and not p[1] then table.insert(missing, 2 * i) end
    previous[i] = tonumber(p[1] or 0) + tonumber(p[2] or 0)
  end
end
if #missing > 0 then return {'missing', missing} end
if ARGV[1] == 'read' then return {'read', current, previous} end
for i = 1, n do
  local base = 5 + (i - 1) * 6
  if current[i] + math.floor(previous[i] * tonumber(ARGV[base + 3])) >= tonumber(ARGV[base + 1]) then
    return {'refused', i, current, previous}
  end
end
for i = 1, n do
  local base = 5 + (i - 1) * 6
  local amount = tonumber(ARGV[base + 2])
  current[i] = current[i] + amount
  redis.call('HINCRBY', KEYS[2 * i - 1], 'r', amount)
  if ARGV[base + 4] ~= '0' then redis.call('PEXPIREAT', KEYS[2 * i - 1], ARGV[base + 4]) end
end
redis.call('SET', KEYS[2 * n + 1], ARGV[5])
redis.call('ZADD', KEYS[2 * n + 2], ARGV[4], ARGV[3])
return {'ok', current, previous}
`;

/**
 * Releases a reservation once: moves each amount from reserved to the actual used, on counters
 * still there (a counter gone with its window has nothing left to count). Whoever deletes the
 * reservation (settle or reconcile) is the one that counts it: each is one script, so exactly once.
 * Answers the durable charges as JSON, for the ledger.
 */
const RELEASE_LUA = `
local function release(key, actuals)
  local raw = redis.call('GET', key)
  if not raw then return {} end
  redis.call('DEL', key)
  local reservation = cjson.decode(raw)
  local durable = {}
  for i, counter in ipairs(reservation.k) do
    local actual = actuals and tonumber(actuals[i] or 0) or reservation.a[i]
    if redis.call('HEXISTS', counter, 'r') == 1 or redis.call('HEXISTS', counter, 'u') == 1 then
      redis.call('HINCRBY', counter, 'u', actual)
      if redis.call('HINCRBY', counter, 'r', -reservation.a[i]) < 0 then redis.call('HSET', counter, 'r', 0) end
    end
    local d = reservation.d[i]
    if type(d) == 'table' then table.insert(durable, {d[1], d[2], d[3], actual}) end
  end
  return durable
end
`;

/** KEYS: reservation, leases. ARGV: id, actual amounts. */
const SETTLE = `${RELEASE_LUA}
redis.call('ZREM', KEYS[2], ARGV[1])
local actuals = {}
for i = 2, #ARGV do actuals[i - 1] = ARGV[i] end
return cjson.encode({ 0, release(KEYS[1], actuals) })
`;

/** KEYS: leases. ARGV: now, batch, reservation key prefix. */
const RECONCILE = `${RELEASE_LUA}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local durable, count = {}, 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  count = count + 1
  for _, d in ipairs(release(ARGV[3] .. id, nil)) do table.insert(durable, d) end
end
return cjson.encode({ count, durable })
`;

/** A durable counter's settled amount on its way to Postgres: counter, window start, expiry (-1: never), amount. */
type DurableCharge = [string, number, number, number];

interface Script {
  source: string;
  sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash("sha1").update(source).digest("hex") });
const SCRIPTS = { reserve: script(RESERVE), settle: script(SETTLE), reconcile: script(RECONCILE) };

/**
 * Counters in Redis, shared by every instance: one script checks and reserves all of a request's
 * counters atomically. Postgres stays the ledger of durable counters (budgets, credits): what
 * settles on them is added to its rows within a second (and on close), and a durable counter Redis
 * does not have is seeded from them before it is checked. The dashboard reads Postgres.
 *
 * Redis out of reach or slow: reserve() and read() fail at once or after the command timeout with
 * CounterStoreUnavailableError, never waiting for a reconnection (no offline queue), and admission
 * refuses the request (fail closed): counting some requests in Postgres meanwhile would let every
 * instance spend the same room twice. A settlement Redis does not take is kept and tried again
 * every second, its reservation renewed meanwhile, so it is counted once Redis is back.
 */
export class RedisCounterStore implements CounterStore {
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly db: Database;
  readonly now: () => number;
  private readonly leaseMs: number;
  private readonly prefix: string;
  private readonly commandTimeoutMs: number;
  private readonly inFlight = new Set<string>();
  /** Settlements Redis did not take, tried again with the next flush. */
  private readonly unsettled = new Map<string, readonly number[]>();
  /** Durable amounts not yet in Postgres, summed by counter and window. */
  private ledger = new Map<string, DurableCharge>();
  private readonly upkeep: Upkeep;
  private readonly flushTimer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private reachable = true;

  constructor(options: RedisCounterStoreOptions) {
    this.db = options.db;
    this.instanceId = options.instanceId ?? uuidv7();
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.prefix = options.keyPrefix ?? DEFAULT_PREFIX;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      commandTimeout: this.commandTimeoutMs,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on("error", (error) => this.failed(error));
    this.redis.on("ready", () => this.answered());
    this.upkeep = new Upkeep({
      name: "Redis",
      leaseMs: this.leaseMs,
      inFlight: () => this.inFlight.size,
      renew: () => this.renew(),
      reconcile: () => this.reconcile(),
      prune: () => pruneCounters(this.db, this.now()),
    });
    this.flushTimer = setInterval(() => void this.flush().catch(() => {}), FLUSH_MS);
    this.flushTimer.unref();
  }

  async reserve(checks: readonly CounterCheck[]): Promise<ReserveOutcome> {
    const now = this.now();
    const placed = placeChecks(checks, now);
    const id = uuidv7(now);
    // In the request's order, the order settle() gets the actual amounts in.
    const reservation = { i: this.instanceId, k: new Array<string>(checks.length), a: new Array<number>(checks.length), d: new Array<DurableSlot | false>(checks.length) };
    for (const p of placed) {
      reservation.k[p.index] = this.counterKey(p.check.counter, p.position.start);
      reservation.a[p.index] = p.check.amount;
      reservation.d[p.index] = p.check.durable ? durableSlot(p) : false;
    }
    const answer = await this.run("reserve", placed, [id, String(now + this.leaseMs), JSON.stringify(reservation)], [`${this.prefix}r:${id}`, this.leasesKey]);
    const [current, previous] = answer[0] === "refused" ? [answer[2], answer[3]] : [answer[1], answer[2]];
    const refusedAt = answer[0] === "refused" ? answer[1] - 1 : -1;
    const states: CounterState[] = new Array(checks.length);
    for (const [n, p] of placed.entries()) {
      states[p.index] = counterState(p.check.window, p.position, now, p.check.limit, current[n]!, previous[n]!, n === refusedAt);
    }
    if (refusedAt >= 0) return { admitted: false, refused: placed[refusedAt]!.index, states };
    this.inFlight.add(id);
    return { admitted: true, reservationId: id, states };
  }

  async settle(reservationId: string, actual: readonly number[]): Promise<void> {
    try {
      await this.settleNow(reservationId, actual);
    } catch (error) {
      this.failed(error);
      this.unsettled.set(reservationId, actual);
    }
  }

  async read(checks: readonly Omit<CounterCheck, "amount">[]): Promise<CounterState[]> {
    const now = this.now();
    const placed = placeChecks(checks, now);
    // Read mode stops before the reservation's arguments and keys: empty ones fill their places.
    const [, current, previous] = (await this.run("read", placed.map((p) => ({ ...p, check: { ...p.check, amount: 0 } })), ["", "0", ""], ["", ""])) as ["read", number[], number[]];
    const states: CounterState[] = new Array(checks.length);
    for (const [n, p] of placed.entries()) states[p.index] = counterState(p.check.window, p.position, now, p.check.limit, current[n]!, previous[n]!, false);
    return states;
  }

  async reconcile(): Promise<number> {
    let reconciled = 0;
    for (;;) {
      const [count, durable] = JSON.parse(
        (await this.call(() => this.evalScript(SCRIPTS.reconcile, [this.leasesKey], [String(this.now()), String(RECONCILE_BATCH), `${this.prefix}r:`]))) as string,
      ) as [number, DurableCharge[] | Record<string, never>];
      this.toLedger(durable);
      reconciled += count;
      if (count < RECONCILE_BATCH) return reconciled;
    }
  }

  /** Pushes this instance's leases on (only those still leased: a reconciled one stays gone). */
  async renew(): Promise<void> {
    const expiry = String(this.now() + this.leaseMs);
    const ids = [...this.inFlight];
    for (let i = 0; i < ids.length; i += 500) {
      await this.call(() => this.redis.zadd(this.leasesKey, "XX", ...ids.slice(i, i + 500).flatMap((id) => [expiry, id])));
    }
  }

  /** Adds settled durable amounts to Postgres, and retries settlements Redis did not take. */
  async flush(): Promise<void> {
    // One flush at a time, so an amount is never taken by two and written twice or out of order.
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    this.upkeep.stop();
    clearInterval(this.flushTimer);
    try {
      await this.flush();
    } catch (error) {
      // Unsettled reservations are still leased in Redis: another instance reconciles them at their reserved amounts.
      console.error(`switchyard limits (Redis): settled amounts could not all reach Postgres or Redis on close: ${errorLine(error)}`);
    }
    this.redis.disconnect();
  }

  /** Resolves once connected; rejects after a command's timeout. */
  private connection(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off("ready", ready);
        reject(new Error(`no connection to Redis within ${this.commandTimeoutMs}ms`));
      }, this.commandTimeoutMs);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once("ready", ready);
    });
  }

  private get leasesKey(): string {
    return `${this.prefix}leases`;
  }

  private counterKey(counter: string, windowStart: number): string {
    return `${this.prefix}c:${windowStart}:${counter}`;
  }

  private async flushOnce(): Promise<void> {
    // The ledger first: Redis being away must not keep settled amounts from Postgres.
    await this.flushLedger();
    for (const [id, actual] of [...this.unsettled]) {
      await this.settleNow(id, actual);
      this.unsettled.delete(id);
    }
    await this.flushLedger();
  }

  private async flushLedger(): Promise<void> {
    if (this.ledger.size === 0) return;
    const batch = [...this.ledger.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    this.ledger = new Map();
    try {
      // Rows in one order on every instance: two flushes of the same counters never deadlock.
      const values = sql.join(
        batch.map(([counter, windowStart, expiresAt, amount]) => sql`(${counter}, ${windowStart}::bigint, ${amount}::bigint, ${expiresAt < 0 ? sql`'infinity'::timestamptz` : sql`${new Date(expiresAt).toISOString()}::timestamptz`})`),
        sql`, `,
      );
      await this.db.execute(sql`
        insert into limit_counters as l (counter, window_start, used, expires_at) values ${values}
        on conflict (counter, window_start) do update set used = l.used + excluded.used`);
    } catch (error) {
      this.toLedger(batch);
      throw error;
    }
  }

  private async settleNow(id: string, actual: readonly number[]): Promise<void> {
    const answer = (await this.call(() => this.evalScript(SCRIPTS.settle, [`${this.prefix}r:${id}`, this.leasesKey], [id, ...actual.map(String)]))) as string;
    this.inFlight.delete(id);
    this.toLedger((JSON.parse(answer) as [number, DurableCharge[] | Record<string, never>])[1]);
  }

  private toLedger(charges: DurableCharge[] | Record<string, never>): void {
    // cjson encodes an empty list as an object.
    if (!Array.isArray(charges)) return;
    for (const [counter, windowStart, expiresAt, amount] of charges) {
      const key = slotKey({ counter, windowStart });
      const sum = this.ledger.get(key);
      this.ledger.set(key, [counter, windowStart, expiresAt, (sum?.[3] ?? 0) + amount]);
    }
  }

  /**
   * The reserve script (or its read mode), seeding the durable counters it reports missing from
   * Postgres first; read mode takes Postgres's counts for them instead, leaving Redis as it is.
   */
  private async run(mode: "reserve" | "read", placed: readonly PlacedCheck[], head: string[], tail: string[]): Promise<ScriptAnswer> {
    const keys = placed.flatMap((p) => [this.counterKey(p.check.counter, p.position.start), this.counterKey(p.check.counter, p.position.previousStart ?? p.position.start)]);
    const args = [
      mode,
      String(placed.length),
      ...head,
      ...placed.flatMap(({ check, position }) => {
        const expires = counterExpiresAt(check.window, position);
        return [String(check.limit), String(check.amount), String(position.previousWeight), Number.isFinite(expires) ? String(expires) : "0", check.durable ? "1" : "0", position.previousStart === undefined ? "0" : "1"];
      }),
    ];
    for (let attempt = 0; ; attempt++) {
      const answer = (await this.call(() => this.evalScript(SCRIPTS.reserve, [...keys, ...tail], args))) as ScriptAnswer | ["missing", number[]];
      if (answer[0] !== "missing") return answer;
      const slots = answer[1].map((k) => slotOf(placed, k - 1));
      const used = await readCounts(this.db, slots, "used");
      if (mode === "read") return this.readMissing(placed, keys, answer[1], used);
      if (attempt + 1 >= SEED_ATTEMPTS) throw new CounterStoreUnavailableError("Redis", { cause: new Error("durable counters are evicted as soon as they are seeded") });
      await this.call(() => {
        const seed = this.redis.multi();
        for (const [n, k] of answer[1].entries()) {
          seed.hsetnx(keys[k - 1]!, "u", String(used.get(slotKey(slots[n]!)) ?? 0));
          const p = placed[Math.floor((k - 1) / 2)]!;
          const expires = counterExpiresAt(p.check.window, p.position);
          if (Number.isFinite(expires)) seed.pexpireat(keys[k - 1]!, expires);
        }
        return seed.exec();
      });
    }
  }

  /** Read mode's answer with Postgres's counts for the durable counters Redis does not have. */
  private async readMissing(placed: readonly PlacedCheck[], keys: string[], missing: number[], used: Map<string, number>): Promise<ScriptAnswer> {
    const counts = (await this.call(() => {
      const read = this.redis.multi();
      for (const key of keys) read.hmget(key, "u", "r");
      return read.exec();
    })) as [Error | null, (string | null)[]][];
    const value = (k: number) => {
      if (missing.includes(k + 1)) return used.get(slotKey(slotOf(placed, k))) ?? 0;
      const [, [u, r]] = counts[k]!;
      return Number(u ?? 0) + Number(r ?? 0);
    };
    return ["read", placed.map((_, n) => value(2 * n)), placed.map((p, n) => (p.position.previousStart === undefined ? 0 : value(2 * n + 1)))];
  }

  private async evalScript(s: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.redis.eval(s.source, keys.length, ...keys, ...args);
    }
  }

  /**
   * A Redis command; its failure (out of reach, timed out) as CounterStoreUnavailableError. While
   * the connection is being made it waits for it, at most a command's timeout: a request that
   * comes as the store starts or reconnects is not refused for a connection a moment away.
   */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      if (this.redis.status !== "ready") await this.connection();
      const result = await command();
      this.answered();
      return result;
    } catch (error) {
      this.failed(error);
      throw new CounterStoreUnavailableError("Redis", { cause: error });
    }
  }

  private answered(): void {
    if (this.reachable) return;
    this.reachable = true;
    console.error("switchyard limits: Redis answers again");
  }

  private failed(error: unknown): void {
    if (!this.reachable) return;
    this.reachable = false;
    console.error(`switchyard limits: Redis is unreachable, requests with limits are refused until it is back: ${errorLine(error)}`);
  }
}

type ScriptAnswer = ["ok" | "read", number[], number[]] | ["refused", number, number[], number[]];

/** A durable counter's slot and expiry (-1: never), as the reservation keeps them for the ledger. */
type DurableSlot = [string, number, number];

function durableSlot({ check, position }: PlacedCheck): DurableSlot {
  const expires = counterExpiresAt(check.window, position);
  return [check.counter, position.start, Number.isFinite(expires) ? expires : -1];
}

/** The slot of key `k` (0-based) of the reserve script: check `k / 2`'s window, or its previous one. */
function slotOf(placed: readonly PlacedCheck[], k: number): CounterSlot {
  const { check, position } = placed[Math.floor(k / 2)]!;
  return { counter: check.counter, windowStart: k % 2 === 0 ? position.start : position.previousStart! };
}
