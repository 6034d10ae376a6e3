import { sql } from "drizzle-orm";
import { rowsOf, type Database, type Transaction } from "@/db/client";

/**
 * On a Postgres server request_logs and request_log_payloads are partitioned by day of created_at
 * (range partitions `<table>_pYYYYMMDD`, and `<table>_default` for anything no day partition takes),
 * so retention drops a day whole instead of deleting its rows. PGlite keeps the plain tables the
 * migrations create: this runs after them, on server databases only (db/client.ts's migrate()).
 */
const PARTITIONED_TABLES = ["request_logs", "request_log_payloads"] as const;
type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

const DAY_MS = 86_400_000;
/** Day partitions created ahead of today, so a maintenance loop that stops for a while loses nothing to the default partition. */
const PARTITION_DAYS_AHEAD = 7;
/** How far back converting a plain table makes day partitions; older rows land in the default partition. */
const CONVERT_DAYS_BACK = 400;

/**
 * Turns the plain tables into partitioned ones, if they are not already: the rows move over in one
 * transaction (instant on a new database; on one holding logs, as long as copying them takes), and
 * the key and indexes keep their names, so later migrations that name them still apply. Later
 * migrations may add columns and indexes as usual (both apply to every partition); a unique index
 * must hold created_at, and `create index concurrently` is not available on a partitioned table.
 */
export async function partitionLogTables(db: Database, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    // Two instances starting at once must not both convert.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('switchyard:partition-log-tables'))`);
    for (const table of PARTITIONED_TABLES) await convert(tx, table, now);
  });
}

async function convert(tx: Transaction, table: PartitionedTable, now: Date): Promise<void> {
  const [kind] = rowsOf<{ relkind: string }>(await tx.execute(sql`select relkind from pg_class where oid = ${table}::regclass`));
  if (kind?.relkind !== "r") return;
  const name = sql.identifier(table);
  const plain = sql.identifier(`${table}_unpartitioned`);
  // Read while the table still has its name: the definitions say `ON public.<table>`.
  const indexes = rowsOf<{ def: string }>(
    await tx.execute(sql`select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = ${table}::regclass and not indisprimary`),
  );
  const [key] = rowsOf<{ name: string; def: string }>(
    await tx.execute(sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass and contype = 'p'`),
  );
  const [oldest] = rowsOf<{ at: string | null }>(await tx.execute(sql`select min(created_at)::text as at from ${name}`));
  await tx.execute(sql`alter table ${name} rename to ${plain}`);
  await tx.execute(sql`create table ${name} (like ${plain} including defaults including storage including comments) partition by range (created_at)`);
  await tx.execute(sql`create table ${sql.identifier(`${table}_default`)} partition of ${name} default`);
  const from = Math.max(dayStart(oldest?.at ? new Date(oldest.at) : now), dayStart(now) - CONVERT_DAYS_BACK * DAY_MS);
  for (let day = from; day <= dayStart(now) + PARTITION_DAYS_AHEAD * DAY_MS; day += DAY_MS) {
    await tx.execute(sql`create table ${sql.identifier(partitionName(table, day))} partition of ${name} for values from (${sql.raw(`'${new Date(day).toISOString()}'`)}) to (${sql.raw(`'${new Date(day + DAY_MS).toISOString()}'`)})`);
  }
  await tx.execute(sql`insert into ${name} select * from ${plain}`);
  await tx.execute(sql`drop table ${plain}`);
  if (key) await tx.execute(sql`alter table ${name} add constraint ${sql.identifier(key.name)} ${sql.raw(key.def)}`);
  for (const index of indexes) await tx.execute(sql.raw(index.def));
}

/** Whether request_logs is partitioned here (a Postgres server past its migrations), or plain (PGlite). */
export async function logsArePartitioned(db: Database): Promise<boolean> {
  const [row] = rowsOf<{ relkind: string }>(await db.execute(sql`select relkind from pg_class where oid = 'request_logs'::regclass`));
  return row?.relkind === "p";
}

/**
 * Makes sure both tables have a partition for each day from `from` through `PARTITION_DAYS_AHEAD`
 * days after `now`. A missing day's rows may sit in the default partition (written while no day
 * partition took them): they move into the new partition, which is then attached.
 */
export async function ensureDayPartitions(db: Database, from: Date, now = new Date()): Promise<string[]> {
  const created: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const existing = new Set((await dayPartitions(db, table)).map((partition) => partition.day));
    for (let day = dayStart(from); day <= dayStart(now) + PARTITION_DAYS_AHEAD * DAY_MS; day += DAY_MS) {
      if (existing.has(day)) continue;
      await db.transaction(async (tx) => {
        const name = sql.identifier(table);
        const partition = sql.identifier(partitionName(table, day));
        const start = sql.raw(`'${new Date(day).toISOString()}'::timestamptz`);
        const end = sql.raw(`'${new Date(day + DAY_MS).toISOString()}'::timestamptz`);
        await tx.execute(sql`create table ${partition} (like ${name} including defaults including storage including comments)`);
        await tx.execute(sql`
          with moved as (delete from ${sql.identifier(`${table}_default`)} where created_at >= ${start} and created_at < ${end} returning *)
          insert into ${partition} select * from moved`);
        await tx.execute(sql`alter table ${name} attach partition ${partition} for values from (${start}) to (${end})`);
      });
      created.push(partitionName(table, day));
    }
  }
  return created;
}

/** Drops both tables' day partitions that end at or before `cutoff`; returns their names. */
export async function dropDayPartitionsBefore(db: Database, cutoff: Date): Promise<string[]> {
  const dropped: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    for (const partition of await dayPartitions(db, table)) {
      if (partition.day + DAY_MS > cutoff.getTime()) continue;
      await db.execute(sql`drop table ${sql.identifier(partition.name)}`);
      dropped.push(partition.name);
    }
  }
  return dropped;
}

/** The day partitions of `table`, oldest first, by their names (`<table>_pYYYYMMDD`). */
export async function dayPartitions(db: Database, table: PartitionedTable): Promise<{ name: string; day: number }[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = ${table}::regclass and c.relname like ${`${table}_p%`}
       order by c.relname`),
  );
  return rows.flatMap(({ name }) => {
    const match = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
    return match ? [{ name, day: Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) }] : [];
  });
}

/** Midnight UTC of the day `at` falls in, in epoch milliseconds. */
export function dayStart(at: Date | number): number {
  const ms = typeof at === "number" ? at : at.getTime();
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_p${new Date(day).toISOString().slice(0, 10).replaceAll("-", "")}`;
}
