import { and, asc, count, eq, ne, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { operatorKeys, playgroundCredentials, providerKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { operatorKeyAad, providerKeyAad, rewrapSecret, type SealedSecret } from "@/lib/crypto/envelope";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { changeDirectory, OPERATOR_DIRECTORY } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ForbiddenError } from "../errors";
import { playgroundSecretAad } from "../playground/token";

/** Rows read and rewrapped per round; each team's share of a round is one short transaction. */
const BATCH_SIZE = 100;
/** A row that another writer changes under every try is left for the next run. */
const TRIES = 3;

export interface RewrapFailure {
  teamId: string;
  /** The provider key's id; for a playground token, its user's id. */
  id: string;
  /** What the row is, for the operator: `openai key "default"`. */
  what: string;
  reason: string;
}

export interface RewrapCounts {
  rewrapped: number;
  alreadyCurrent: number;
  /** Rows left as they were, with why. */
  failed: RewrapFailure[];
}

export interface RewrapReport {
  /** The master key version every rewrapped secret is wrapped under now (the keyring's current one). */
  masterKeyVersion: string;
  providerKeys: RewrapCounts;
  /** The operator's keys, every team's to use. */
  operatorKeys: RewrapCounts;
  /** The playground's stored gateway tokens, wrapped the same way. */
  playgroundTokens: RewrapCounts;
}

/** One stored secret as the rewrap sees it, whatever its table. */
interface WrappedRow {
  teamId: string;
  /** The row's key within its team: the provider key's id, the user's id of a playground token. */
  id: string;
  what: string;
  aad: string;
  sealed: SealedSecret;
}

/** How the rewrap reads and writes one table of wrapped secrets. */
interface WrappedTable {
  countCurrent(db: Database, current: string): Promise<number>;
  /** Up to BATCH_SIZE rows not under `current`, after `after` in key order. */
  next(db: Database, current: string, after: WrappedRow | undefined): Promise<WrappedRow[]>;
  /** The rows as they are now; rows deleted meanwhile are missing. */
  reread(db: Database, rows: WrappedRow[]): Promise<WrappedRow[]>;
  /** Stores each row's new wrapping if the row still holds what was read; returns the rows written. */
  write(db: Database, rows: Rewrapped[]): Promise<Set<WrappedRow>>;
}

interface Rewrapped {
  row: WrappedRow;
  rewrapped: SealedSecret;
}

/** The guard that keeps a concurrent edit: the row must still hold the ciphertext that was read. */
function unchanged(secret: PgColumn, version: PgColumn, row: WrappedRow): SQL {
  return and(eq(secret, row.sealed.ciphertext), eq(version, row.sealed.masterKeyVersion))!;
}

const providerKeyTable: WrappedTable = {
  async countCurrent(db, current) {
    const [row] = await db.select({ n: count() }).from(providerKeys).where(eq(providerKeys.masterKeyVersion, current));
    return row!.n;
  },
  async next(db, current, after) {
    const rows = await db
      .select()
      .from(providerKeys)
      .where(
        and(
          ne(providerKeys.masterKeyVersion, current),
          after && sql`(${providerKeys.teamId}, ${providerKeys.id}) > (${after.teamId}, ${after.id})`,
        ),
      )
      .orderBy(asc(providerKeys.teamId), asc(providerKeys.id))
      .limit(BATCH_SIZE);
    return rows.map(toWrappedKey);
  },
  async reread(db, rows) {
    const fresh = await db
      .select()
      .from(providerKeys)
      .where(or(...rows.map((row) => eq(providerKeys.id, row.id))));
    return fresh.map(toWrappedKey);
  },
  async write(db, rows) {
    const written = new Set<WrappedRow>();
    // Running gateways hold the ciphertext they loaded; each team's change tells them to load it again.
    for (const [teamId, teamRows] of Map.groupBy(rows, ({ row }) => row.teamId)) {
      await changeDirectory(db, teamId, async (tx) => {
        for (const { row, rewrapped } of teamRows) {
          const updated = await tx
            .update(providerKeys)
            .set({ secret: rewrapped.ciphertext, masterKeyVersion: rewrapped.masterKeyVersion, wrappedAt: new Date() })
            .where(and(eq(providerKeys.id, row.id), unchanged(providerKeys.secret, providerKeys.masterKeyVersion, row)))
            .returning({ id: providerKeys.id });
          if (updated.length > 0) written.add(row);
        }
      });
    }
    return written;
  },
};

function toWrappedKey(key: typeof providerKeys.$inferSelect): WrappedRow {
  return {
    teamId: key.teamId,
    id: key.id,
    what: `${key.provider} key "${key.alias}"`,
    aad: providerKeyAad(key.teamId, key.provider, key.alias),
    sealed: { ciphertext: key.secret, masterKeyVersion: key.masterKeyVersion },
  };
}

/** The operator's keys: one directory (OPERATOR_DIRECTORY) for all of them, whose change reaches every running gateway. */
const operatorKeyTable: WrappedTable = {
  async countCurrent(db, current) {
    const [row] = await db.select({ n: count() }).from(operatorKeys).where(eq(operatorKeys.masterKeyVersion, current));
    return row!.n;
  },
  async next(db, current, after) {
    const rows = await db
      .select()
      .from(operatorKeys)
      .where(and(ne(operatorKeys.masterKeyVersion, current), after && sql`${operatorKeys.id} > ${after.id}`))
      .orderBy(asc(operatorKeys.id))
      .limit(BATCH_SIZE);
    return rows.map(toWrappedOperatorKey);
  },
  async reread(db, rows) {
    const fresh = await db
      .select()
      .from(operatorKeys)
      .where(or(...rows.map((row) => eq(operatorKeys.id, row.id))));
    return fresh.map(toWrappedOperatorKey);
  },
  async write(db, rows) {
    const written = new Set<WrappedRow>();
    await changeDirectory(db, OPERATOR_DIRECTORY, async (tx) => {
      for (const { row, rewrapped } of rows) {
        const updated = await tx
          .update(operatorKeys)
          .set({ secret: rewrapped.ciphertext, masterKeyVersion: rewrapped.masterKeyVersion, wrappedAt: new Date() })
          .where(and(eq(operatorKeys.id, row.id), unchanged(operatorKeys.secret, operatorKeys.masterKeyVersion, row)))
          .returning({ id: operatorKeys.id });
        if (updated.length > 0) written.add(row);
      }
    });
    return written;
  },
};

function toWrappedOperatorKey(key: typeof operatorKeys.$inferSelect): WrappedRow {
  return {
    teamId: OPERATOR_DIRECTORY,
    id: key.id,
    what: `operator ${key.provider} key "${key.alias}"`,
    aad: operatorKeyAad(key.provider, key.alias),
    sealed: { ciphertext: key.secret, masterKeyVersion: key.masterKeyVersion },
  };
}

/** The playground's copies of its gateway tokens are wrapped the same way and must move too. */
const playgroundCredentialTable: WrappedTable = {
  async countCurrent(db, current) {
    const [row] = await db
      .select({ n: count() })
      .from(playgroundCredentials)
      .where(eq(playgroundCredentials.masterKeyVersion, current));
    return row!.n;
  },
  async next(db, current, after) {
    const rows = await db
      .select()
      .from(playgroundCredentials)
      .where(
        and(
          ne(playgroundCredentials.masterKeyVersion, current),
          after &&
            sql`(${playgroundCredentials.teamId}, ${playgroundCredentials.userId}) > (${after.teamId}, ${after.id})`,
        ),
      )
      .orderBy(asc(playgroundCredentials.teamId), asc(playgroundCredentials.userId))
      .limit(BATCH_SIZE);
    return rows.map(toWrappedCredential);
  },
  async reread(db, rows) {
    const fresh = await db
      .select()
      .from(playgroundCredentials)
      .where(
        or(
          ...rows.map((row) => and(eq(playgroundCredentials.teamId, row.teamId), eq(playgroundCredentials.userId, row.id))),
        ),
      );
    return fresh.map(toWrappedCredential);
  },
  async write(db, rows) {
    const written = new Set<WrappedRow>();
    await db.transaction(async (tx) => {
      for (const { row, rewrapped } of rows) {
        const updated = await tx
          .update(playgroundCredentials)
          .set({ secret: rewrapped.ciphertext, masterKeyVersion: rewrapped.masterKeyVersion })
          .where(
            and(
              eq(playgroundCredentials.teamId, row.teamId),
              eq(playgroundCredentials.userId, row.id),
              unchanged(playgroundCredentials.secret, playgroundCredentials.masterKeyVersion, row),
            ),
          )
          .returning({ userId: playgroundCredentials.userId });
        if (updated.length > 0) written.add(row);
      }
    });
    return written;
  },
};

function toWrappedCredential(credential: typeof playgroundCredentials.$inferSelect): WrappedRow {
  return {
    teamId: credential.teamId,
    id: credential.userId,
    what: "playground token",
    aad: playgroundSecretAad(credential.teamId, credential.userId),
    sealed: { ciphertext: credential.secret, masterKeyVersion: credential.masterKeyVersion },
  };
}

function reasonOf(error: unknown): string {
  // AES-GCM's own message ("Unsupported state or unable to authenticate data") says nothing useful.
  const message = error instanceof Error ? error.message : String(error);
  return message.includes("not configured") ? message : "the wrapped data key does not open under its master key (wrong key or damaged row)";
}

async function rewrapTable(db: Database, ring: MasterKeyring, table: WrappedTable): Promise<RewrapCounts> {
  const report: RewrapCounts = { rewrapped: 0, alreadyCurrent: 0, failed: [] };
  report.alreadyCurrent += await table.countCurrent(db, ring.current);
  let after: WrappedRow | undefined;
  for (;;) {
    const batch = await table.next(db, ring.current, after);
    if (batch.length === 0) return report;
    after = batch.at(-1);
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const rewrapped: Rewrapped[] = [];
      for (const row of pending) {
        try {
          rewrapped.push({ row, rewrapped: rewrapSecret(ring, row.sealed, row.aad) });
        } catch (error) {
          report.failed.push({ id: row.id, teamId: row.teamId, what: row.what, reason: reasonOf(error) });
        }
      }
      const written = await table.write(db, rewrapped);
      report.rewrapped += written.size;
      const lost = rewrapped.filter(({ row }) => !written.has(row)).map(({ row }) => row);
      if (lost.length === 0) break;
      // Edited meanwhile (rotated, or deleted): look again, and rewrap what still needs it.
      const fresh = await table.reread(db, lost);
      const current = fresh.filter((row) => row.sealed.masterKeyVersion === ring.current);
      report.alreadyCurrent += current.length;
      pending = fresh.filter((row) => row.sealed.masterKeyVersion !== ring.current);
      if (attempt === TRIES) {
        for (const row of pending) {
          report.failed.push({ id: row.id, teamId: row.teamId, what: row.what, reason: `changed by another writer during ${TRIES} tries; run the rewrap again` });
        }
        break;
      }
    }
  }
}

/**
 * Wraps every stored provider key (and the playground's stored tokens) under the keyring's
 * current master key, so older master keys can be retired. Only the data keys are unwrapped and
 * wrapped again; secrets stay sealed. Safe while servers run: each row is written only if it still
 * holds what was read, so a concurrent rotation wins, and each team's running gateways hear of it
 * through the directory change feed. Idempotent: rows already under the current key are counted,
 * not touched. Operator only: it spans every team.
 */
export async function rewrapProviderKeys({
  ctx,
  keyring = masterKeyring(),
}: {
  ctx: ServiceContext;
  keyring?: MasterKeyring;
}): Promise<RewrapReport> {
  if (ctx.actor.type !== "operator") throw new ForbiddenError("only the operator can rewrap the deployment's keys");
  const report: RewrapReport = {
    masterKeyVersion: keyring.current,
    providerKeys: await rewrapTable(ctx.db, keyring, providerKeyTable),
    operatorKeys: await rewrapTable(ctx.db, keyring, operatorKeyTable),
    playgroundTokens: await rewrapTable(ctx.db, keyring, playgroundCredentialTable),
  };
  // One event for the whole run, after it: the run is many short transactions across every team.
  const counts = (c: RewrapCounts) => ({ rewrapped: c.rewrapped, alreadyCurrent: c.alreadyCurrent, failed: c.failed.length });
  await recordAudit(ctx, {
    teamId: null,
    action: "provider_key.rewrap",
    targetType: "deployment",
    targetLabel: `master key ${keyring.current}`,
    details: { masterKeyVersion: keyring.current, providerKeys: counts(report.providerKeys), operatorKeys: counts(report.operatorKeys), playgroundTokens: counts(report.playgroundTokens) },
  });
  return report;
}
