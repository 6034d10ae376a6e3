import { getTableColumns, getTableName, sql, type Column } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { requestLogPayloads, requestLogs, usageRollups, type NewRequestLog, type UsageRollup } from "@/db/schema";
import type { LogEvent } from "./types";

const HOUR_MS = 3_600_000;
/** Postgres caps the bind parameters of one statement at 65,535. */
const MAX_BIND_PARAMETERS = 65_535;

/**
 * Writes a batch of log events in one transaction: the log rows, the payloads of events that have
 * one, and the hourly usage rollups, aggregated here so each (team, hour, gateway, provider, model)
 * is one upserted row.
 */
export async function writeLogBatch(db: Database, events: LogEvent[]): Promise<void> {
  if (events.length === 0) return;
  const logs = events.map((event) => event.log);
  const payloads = events.flatMap((event) => (event.payload ? [event.payload] : []));
  const rollups = rollUp(logs);
  await db.transaction(async (tx) => {
    for (const rows of statementSized(requestLogs, logs)) await tx.insert(requestLogs).values(rows);
    for (const rows of statementSized(requestLogPayloads, payloads)) await tx.insert(requestLogPayloads).values(rows);
    for (const rows of statementSized(usageRollups, rollups)) {
      await tx
        .insert(usageRollups)
        .values(rows)
        .onConflictDoUpdate({
          target: [usageRollups.teamId, usageRollups.hour, usageRollups.gatewayId, usageRollups.provider, usageRollups.model],
          set: {
            requests: addExcluded(usageRollups.requests),
            errors: addExcluded(usageRollups.errors),
            cachedRequests: addExcluded(usageRollups.cachedRequests),
            tokensIn: addExcluded(usageRollups.tokensIn),
            tokensOut: addExcluded(usageRollups.tokensOut),
            tokensCached: addExcluded(usageRollups.tokensCached),
            costMicros: addExcluded(usageRollups.costMicros),
            durationMsTotal: addExcluded(usageRollups.durationMsTotal),
          },
        });
    }
  });
}

/** Sums log rows per rollup key; null gateway, provider and model roll up under "". */
function rollUp(logs: NewRequestLog[]): UsageRollup[] {
  const byKey = new Map<string, UsageRollup>();
  for (const log of logs) {
    const hour = new Date(Math.floor(log.createdAt.getTime() / HOUR_MS) * HOUR_MS);
    const gatewayId = log.gatewayId ?? "";
    const provider = log.provider ?? "";
    const model = log.model ?? "";
    const key = `${log.teamId}\u0000${hour.getTime()}\u0000${gatewayId}\u0000${provider}\u0000${model}`;
    let rollup = byKey.get(key);
    if (!rollup) {
      rollup = {
        teamId: log.teamId,
        hour,
        gatewayId,
        provider,
        model,
        requests: 0,
        errors: 0,
        cachedRequests: 0,
        tokensIn: 0,
        tokensOut: 0,
        tokensCached: 0,
        costMicros: 0,
        durationMsTotal: 0,
      };
      byKey.set(key, rollup);
    }
    rollup.requests += 1;
    if (!log.success) rollup.errors += 1;
    if (log.cached) rollup.cachedRequests += 1;
    rollup.tokensIn += log.tokensIn ?? 0;
    rollup.tokensOut += log.tokensOut ?? 0;
    rollup.tokensCached += log.tokensCached ?? 0;
    rollup.costMicros += log.costMicros ?? 0;
    rollup.durationMsTotal += log.durationMs;
  }
  // One row order for every writer, so concurrent instances upserting the same rollups cannot deadlock.
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}

/** `usage_rollups.<column> + excluded.<column>`, qualified because both rows are in scope. */
function addExcluded(column: Column) {
  const name = sql.identifier(column.name);
  return sql`${sql.identifier(getTableName(usageRollups))}.${name} + excluded.${name}`;
}

/** Splits rows so that no INSERT exceeds Postgres's bind-parameter limit; usually one slice. */
function statementSized<T>(table: PgTable, rows: T[]): T[][] {
  const rowsPerStatement = Math.floor(MAX_BIND_PARAMETERS / Object.keys(getTableColumns(table)).length);
  const slices: T[][] = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) slices.push(rows.slice(start, start + rowsPerStatement));
  return slices;
}
