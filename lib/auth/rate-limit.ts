import { and, eq, lt, sql, TransactionRollbackError } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signInAttempts } from "@/db/schema";

/** A sliding-window limit on sign-in events, counted per key in `sign_in_attempts`. */
export interface SignInLimit {
  /** The limiter's name in `sign_in_attempts`. */
  name: string;
  /** Events allowed per key within the window. */
  limit: number;
  windowMs: number;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/**
 * Failed password sign-ins, keyed `email:…` and `ip:…`. Failures, not attempts, are counted so
 * people behind one NAT who type their passwords right are never locked out by each other.
 */
export const PASSWORD_FAILURES: SignInLimit = { name: "password", limit: 10, windowMs: FIFTEEN_MINUTES };

/** Magic links sent, keyed `email:…` and `ip:…`: each one is an email to someone's inbox. */
export const MAGIC_LINK_REQUESTS: SignInLimit = { name: "magic-link", limit: 10, windowMs: FIFTEEN_MINUTES };

/** Expired rows are deleted by the next event after this long (per process): often enough to keep the table small. */
const PRUNE_INTERVAL_MS = 60_000;
let nextPruneAt = 0;

function timestamp(at: Date) {
  return sql`${at.toISOString()}::timestamptz`;
}

/**
 * Records an event at `now` against every key, or against none when any key has used up its
 * window; true when recorded. The counts live in the database, so every instance shares them,
 * and each key's row is updated by one upsert whose row lock makes concurrent callers on any
 * instance take turns: no two of them can both take the last place in a window. Keys are locked
 * in sorted order so two callers with overlapping keys cannot deadlock.
 */
export async function recordWithinLimit(db: Database, limit: SignInLimit, keys: string[], now = new Date()): Promise<boolean> {
  const at = timestamp(now);
  const windowStart = sql`${at} - ${limit.windowMs}::integer * interval '1 millisecond'`;
  const expiresAt = sql`${at} + ${limit.windowMs}::integer * interval '1 millisecond'`;
  const recent = sql`array(select hit from unnest(${signInAttempts.hits}) as hit where hit > ${windowStart})`;
  await pruneExpired(db, now);
  try {
    await db.transaction(async (tx) => {
      for (const key of [...new Set(keys)].sort()) {
        const recorded = await tx
          .insert(signInAttempts)
          .values({ limiter: limit.name, key, hits: sql`array[${at}]`, expiresAt })
          .onConflictDoUpdate({
            target: [signInAttempts.limiter, signInAttempts.key],
            set: { hits: sql`${recent} || ${at}`, expiresAt },
            setWhere: sql`cardinality(${recent}) < ${limit.limit}`,
          })
          .returning({ key: signInAttempts.key });
        if (recorded.length === 0) tx.rollback();
      }
    });
    return true;
  } catch (error) {
    if (error instanceof TransactionRollbackError) return false;
    throw error;
  }
}

/** Takes back the event that `recordWithinLimit` recorded at `at` for `key`. */
export async function withdrawEvent(db: Database, limit: SignInLimit, key: string, at: Date): Promise<void> {
  await db
    .update(signInAttempts)
    .set({ hits: sql`array_remove(${signInAttempts.hits}, ${timestamp(at)})` })
    .where(and(eq(signInAttempts.limiter, limit.name), eq(signInAttempts.key, key)));
}

/** Forgets every event of `key`. */
export async function resetLimit(db: Database, limit: SignInLimit, key: string): Promise<void> {
  await db.delete(signInAttempts).where(and(eq(signInAttempts.limiter, limit.name), eq(signInAttempts.key, key)));
}

/** Deletes the rows whose every event has left its window by `now`. */
export async function pruneSignInAttempts(db: Database, now = new Date()): Promise<void> {
  await db.delete(signInAttempts).where(lt(signInAttempts.expiresAt, now));
}

async function pruneExpired(db: Database, now: Date): Promise<void> {
  if (now.getTime() < nextPruneAt) return;
  nextPruneAt = now.getTime() + PRUNE_INTERVAL_MS;
  await pruneSignInAttempts(db, now);
}

/**
 * The client's address as the request reports it. Next fills x-forwarded-for with the socket's
 * address unless a proxy (or the client) already set it, so behind a reverse proxy the first entry
 * is the real client; a client talking to us directly can forge it, which is why every limit also
 * applies per email address.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || "unknown";
}
