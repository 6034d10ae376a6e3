import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { directoryVersions } from "@/db/schema";

/** The Postgres channel that announces a change to a team's directory; the payload is `{teamId}:{version}`. */
export const DIRECTORY_CHANNEL = "switchyard_directory";

/**
 * The directory version that stands for the operator's keys, which every team may use: not a team
 * id (those carry the `team_` prefix), so its changes travel the same feed, poll and versions.
 */
export const OPERATOR_DIRECTORY = "operator";

/** The team's directory reached `version` (directory_versions): a reader holding an older one is stale. */
export interface DirectoryChange {
  teamId: string;
  version: number;
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Subscriber = (change: DirectoryChange) => void;

// On globalThis: Next's bundles and the server each load their own copy of this module, and a write
// through one copy must reach the directories the other copy built on the same database object.
const globalForChanges = globalThis as unknown as { switchyardDirectorySubscribers?: WeakMap<Database, Set<Subscriber>> };
const subscribers = (globalForChanges.switchyardDirectorySubscribers ??= new WeakMap<Database, Set<Subscriber>>());

/**
 * Runs `write`, a change to what the data plane reads of the team (its gateways, tokens, provider
 * keys, custom providers), in a transaction that also bumps the team's directory version and
 * notifies the channel, which Postgres delivers on commit. This process's directories on the same
 * database object hear of it before the call returns, so a writer reads its own writes; other
 * processes within a second (lib/state/change-feed.ts).
 */
export async function changeDirectory<T>(db: Database, teamId: string, write: (tx: Transaction) => Promise<T>): Promise<T> {
  let version = 0;
  const result = await db.transaction(async (tx) => {
    const written = await write(tx);
    const [row] = await tx
      .insert(directoryVersions)
      .values({ teamId })
      .onConflictDoUpdate({
        target: directoryVersions.teamId,
        set: { version: sql`${directoryVersions.version} + 1`, changedAt: sql`now()` },
      })
      .returning({ version: directoryVersions.version });
    version = row!.version;
    await tx.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, ${`${teamId}:${version}`})`);
    return written;
  });
  for (const subscriber of subscribers.get(db) ?? []) subscriber({ teamId, version });
  return result;
}

/** Calls `subscriber` after each `changeDirectory` on `db` in this process commits; returns the unsubscribe. */
export function onLocalDirectoryChange(db: Database, subscriber: Subscriber): () => void {
  let set = subscribers.get(db);
  if (!set) {
    set = new Set();
    subscribers.set(db, set);
  }
  set.add(subscriber);
  return () => set.delete(subscriber);
}

/** A notification's payload; undefined for anything else sent on the channel. */
export function parseDirectoryChange(payload: string): DirectoryChange | undefined {
  const match = /^(.+):(\d{1,15})$/.exec(payload);
  return match ? { teamId: match[1]!, version: Number(match[2]) } : undefined;
}
