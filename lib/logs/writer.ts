import { and, getTableColumns, inArray, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { describeDatabaseError, type Database } from "@/db/client";
import { apiTokens, gatewayTokens, operatorKeys, providerKeys, requestLogPayloads, requestLogs, teams, type NewRequestLog } from "@/db/schema";
import { InternalCode } from "@/lib/gateway/errors";
import { isIdOf } from "@/lib/ids";
import { applyLogLimits, countLoggedRows } from "./log-limits";
import { levelRollupRows, METADATA_ROLLUP_LEVELS, metadataRollupRows, ROLLUP_LEVELS, upsertRollups } from "./rollups";
import { safeJson } from "./safe-text";
import type { LogEvent } from "./types";

/**
 * Writes a batch of log events in one transaction: the log rows, the payloads of events that have
 * one, and the usage rollups per minute and per hour (lib/logs/rollups.ts), aggregated here so each
 * rollup key is one upserted row per level. Every string is made storable first (`safeJson`): one
 * client's bytes must not fail a batch that holds other teams' rows.
 */
export async function writeLogBatch(db: Database, events: LogEvent[]): Promise<void> {
  if (events.length === 0) return;
  const safeEvents = events.map((event) => ({ log: safeJson(event.log), payload: event.payload && safeJson(event.payload) }));
  await db.transaction(async (tx) => {
    const { stored, stopped } = await applyLogLimits(tx, safeEvents);
    let written: typeof safeEvents = [];
    if (stored.length > 0) {
      // A commit whose acknowledgement was lost with the connection is written again by the queue's
      // retry: rows already stored are skipped, and only the rows inserted now count in the rollups.
      // The key holds created_at: on a Postgres server the table is partitioned by it.
      const inserted = await tx.execute(sql`
        insert into ${requestLogs} ${expandJson(requestLogs, stored.map((event) => event.log))}
        on conflict (id, created_at) do nothing returning id`);
      const insertedIds = new Set((inserted as unknown as { rows: Array<{ id: string }> }).rows.map((row) => row.id));
      if (insertedIds.size === 0) return;
      written = stored.filter((event) => insertedIds.has(event.log.id));
    }
    const payloads = written.flatMap((event) => (event.payload ? [{ ...event.payload, createdAt: event.log.createdAt }] : []));
    if (payloads.length > 0) await tx.execute(sql`insert into ${requestLogPayloads} ${expandJson(requestLogPayloads, payloads)}`);
    await countLoggedRows(tx, written.map((event) => event.log));
    // Requests whose rows a gateway's log limit kept out were served all the same: they count.
    const logs = [...written, ...stopped].map((event) => event.log);
    for (const level of ROLLUP_LEVELS) await tx.execute(upsertRollups(level.table, expandJson(level.table, levelRollupRows(level, logs))));
    const keysByTeam = await metadataKeysOf(tx, logs);
    if (keysByTeam.size > 0) {
      for (const level of METADATA_ROLLUP_LEVELS) {
        const rows = metadataRollupRows(level.bucketMs, logs, keysByTeam);
        if (rows.length > 0) await tx.execute(upsertRollups(level.table, expandJson(level.table, rows)));
      }
    }
    const { tokens, apiTokenUses, keys, operatorKeyUses } = lastUses(logs);
    if (tokens.length > 0) {
      await tx.execute(sql`
        update ${gatewayTokens} as t set last_used_at = greatest(t.last_used_at, u.at)
        from json_to_recordset(${JSON.stringify(tokens)}::json) as u(id text, at timestamptz)
        where t.id = u.id`);
    }
    if (apiTokenUses.length > 0) {
      await tx.execute(sql`
        update ${apiTokens} as t set last_used_at = greatest(t.last_used_at, u.at)
        from json_to_recordset(${JSON.stringify(apiTokenUses)}::json) as u(id text, at timestamptz)
        where t.id = u.id`);
    }
    if (keys.length > 0) {
      await tx.execute(sql`
        update ${providerKeys} as k set last_used_at = u.at, last_status = u.status
        from json_to_recordset(${JSON.stringify(keys)}::json) as u(id text, at timestamptz, status text)
        where k.id = u.id and (k.last_used_at is null or k.last_used_at <= u.at)`);
    }
    if (operatorKeyUses.length > 0) {
      await tx.execute(sql`
        update ${operatorKeys} as k set last_used_at = u.at, last_status = u.status
        from json_to_recordset(${JSON.stringify(operatorKeyUses)}::json) as u(id text, at timestamptz, status text)
        where k.id = u.id and (k.last_used_at is null or k.last_used_at <= u.at)`);
    }
  });
}

/**
 * The analytics metadata keys of the batch's teams that chose any, for the metadata rollups. Read
 * in the batch's transaction, so a key chosen counts from the next batch on; only for the teams of
 * logs that carry metadata, so a batch without metadata asks nothing.
 */
async function metadataKeysOf(tx: Pick<Database, "select">, logs: NewRequestLog[]): Promise<Map<string, string[]>> {
  const teamIds = [...new Set(logs.filter((log) => log.metadata && Object.keys(log.metadata).length > 0).map((log) => log.teamId))];
  if (teamIds.length === 0) return new Map();
  const found = await tx
    .select({ id: teams.id, keys: teams.analyticsMetadataKeys })
    .from(teams)
    .where(and(inArray(teams.id, teamIds), sql`cardinality(${teams.analyticsMetadataKeys}) > 0`));
  return new Map(found.map((team) => [team.id, team.keys]));
}

/**
 * What is left of an event the database refused even with safe strings (a value out of a column's
 * range, say): the row without its payload and without the strings a client chose (model, path,
 * user agent, metadata), carrying the database's reason in `errorMessage`, so the request still
 * counts and shows in its team's logs. Ids, status, tokens, cost and times stay.
 */
export function withoutDetails(event: LogEvent, error: unknown): LogEvent {
  const { log } = event;
  return {
    log: {
      ...log,
      provider: null,
      model: null,
      path: "",
      userAgent: null,
      metadata: null,
      errorMessage: `Log row stored without its details: the database refused it (${describeDatabaseError(error)})`,
    },
  };
}

/**
 * When each token and stored key (a team's, or the operator's as the row's key source says) was
 * last used in the batch, and whether the provider accepted the key (401/403 means it was
 * rejected). Written here, with the logs, so the request path never waits for it. Sorted by id so
 * concurrent writers lock rows in the same order.
 */
function lastUses(logs: NewRequestLog[]) {
  const tokens = new Map<string, Date>();
  const keys = new Map<string, { at: Date; status: "ok" | "rejected" }>();
  const operatorKeyIds = new Set<string>();
  for (const log of logs) {
    if (log.tokenId && isLater(log.createdAt, tokens.get(log.tokenId))) tokens.set(log.tokenId, log.createdAt);
    // A refusal by the gateway itself says nothing about the key, unless it reports the provider's
    // rejection of it (2009 with a key id: a token's 2009 comes before any key is picked).
    const providerAnswered = log.errorCode == null || log.errorCode === InternalCode.unauthorized;
    if (log.providerKeyId && providerAnswered && isLater(log.createdAt, keys.get(log.providerKeyId)?.at)) {
      keys.set(log.providerKeyId, { at: log.createdAt, status: log.statusCode === 401 || log.statusCode === 403 ? "rejected" : "ok" });
      if (log.keySource === "operator") operatorKeyIds.add(log.providerKeyId);
    }
  }
  const byId = <T>(entries: Map<string, T>) => [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
  const uses = byId(keys).map(([id, use]) => ({ id, ...use }));
  const tokenUses = byId(tokens).map(([id, at]) => ({ id, at }));
  // A team API token with the run scope calls gateways too.
  const isApiToken = (use: { id: string }) => isIdOf(use.id, "apit");
  return {
    tokens: tokenUses.filter((use) => !isApiToken(use)),
    apiTokenUses: tokenUses.filter(isApiToken),
    keys: uses.filter((use) => !operatorKeyIds.has(use.id)),
    operatorKeyUses: uses.filter((use) => operatorKeyIds.has(use.id)),
  };
}

/**
 * `select * from json_populate_recordset(null::<table>, $1)`: the whole batch travels as one JSON
 * parameter and Postgres expands it into rows. A VALUES list with one parameter per cell cost
 * more CPU in query building than the gateway spent on the requests themselves (profiled with
 * `npm run bench:profile`), and it ran into the 65,535-parameter limit at about 2,400 rows.
 * Keys are the SQL column names; absent values take the column's literal default.
 */
export function expandJson(table: PgTable, rows: object[]) {
  const columns = Object.entries(getTableColumns(table));
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [property, column] of columns) {
      const value = (row as Record<string, unknown>)[property];
      record[column.name] = value !== undefined ? value : column.hasDefault && isLiteral(column.default) ? column.default : null;
    }
    return record;
  });
  return sql`select * from json_populate_recordset(null::${table}, ${JSON.stringify(records)}::json)`;
}

function isLiteral(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isLater(at: Date, than: Date | undefined): boolean {
  return than === undefined || at > than;
}
