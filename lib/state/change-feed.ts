import { inArray } from "drizzle-orm";
import { describeDatabaseError, listenerFor, type Database, type Listen } from "@/db/client";
import { directoryVersions } from "@/db/schema";
import {
  DIRECTORY_CHANNEL,
  onLocalDirectoryChange,
  parseDirectoryChange,
  type DirectoryChange,
} from "./directory-changes";

/** How often versions are polled while no LISTEN connection is up; half the promised second. */
export const POLL_INTERVAL_MS = 500;
/** The wait before listening again after the connection dropped or could not be opened. */
const RELISTEN_DELAY_MS = 1000;
/** Teams per poll query, far under Postgres's limit of 65,535 parameters. */
const POLL_BATCH = 5000;

export interface ChangeFeedOptions {
  /** The version of each team the subscriber holds; a poll reports the teams whose version moved past it. */
  heldVersions(): Iterable<[teamId: string, version: number]>;
  /** May be told of a version it already holds (a change arrives by more than one way); never throws. */
  onChange(change: DirectoryChange): void;
  pollIntervalMs?: number;
}

export interface ChangeFeed {
  /** The LISTEN connection is up; while it is not, the feed polls. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * Tells the subscriber of every change to a team's directory: at once for writes this process makes
 * through the same database object, by LISTEN for other processes where the driver has it, and by
 * polling the held teams' versions where it has not (Neon) or while the connection is down. Neither
 * its connection nor its timers keep the process alive.
 */
export function watchDirectoryChanges(db: Database, options: ChangeFeedOptions): ChangeFeed {
  const listen = listenerFor(db);
  let stopListening: (() => Promise<void>) | undefined;
  let connecting: Promise<void> | undefined;
  let relistenTimer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let pollFailing = false;
  let closed = false;

  const stopLocal = onLocalDirectoryChange(db, options.onChange);
  const pollTimer = setInterval(() => {
    if (!stopListening) poll();
  }, options.pollIntervalMs ?? POLL_INTERVAL_MS).unref();
  if (listen) connecting = startListening(listen);

  async function startListening(listen: Listen): Promise<void> {
    try {
      const stop = await listen(DIRECTORY_CHANNEL, deliver, lost);
      if (closed) return await stop();
      stopListening = stop;
      // Changes committed before LISTEN took effect were announced to no one here.
      poll();
    } catch (error) {
      lost(error);
    } finally {
      connecting = undefined;
    }
  }

  function deliver(payload: string): void {
    const change = parseDirectoryChange(payload);
    if (change) options.onChange(change);
  }

  function lost(error: unknown): void {
    if (closed || !listen || relistenTimer) return;
    if (stopListening) {
      console.warn(`switchyard: the LISTEN connection dropped (${describeDatabaseError(error)}); polling directory versions until it is back`);
      stopListening().catch(() => {});
      stopListening = undefined;
    }
    relistenTimer = setTimeout(() => {
      relistenTimer = undefined;
      if (!closed) connecting = startListening(listen);
    }, RELISTEN_DELAY_MS).unref();
  }

  function poll(): void {
    polling ??= pollVersions().finally(() => (polling = undefined));
  }

  async function pollVersions(): Promise<void> {
    const held = new Map(options.heldVersions());
    const teamIds = [...held.keys()];
    try {
      for (let i = 0; i < teamIds.length && !closed; i += POLL_BATCH) {
        const rows = await db
          .select({ teamId: directoryVersions.teamId, version: directoryVersions.version })
          .from(directoryVersions)
          .where(inArray(directoryVersions.teamId, teamIds.slice(i, i + POLL_BATCH)));
        for (const row of rows) if (row.version > held.get(row.teamId)!) options.onChange(row);
      }
      pollFailing = false;
    } catch (error) {
      // Once per outage: the poll runs twice a second.
      if (!pollFailing && !closed) console.error(`switchyard: polling directory versions failed: ${describeDatabaseError(error)}`);
      pollFailing = true;
    }
  }

  return {
    get listening() {
      return stopListening !== undefined;
    },
    async close() {
      closed = true;
      stopLocal();
      clearInterval(pollTimer);
      clearTimeout(relistenTimer);
      await Promise.all([connecting, polling]);
      await stopListening?.().catch(() => {});
      stopListening = undefined;
    },
  };
}
