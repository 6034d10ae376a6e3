import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "@/db/client";
import { directoryVersions } from "@/db/schema";
import { newId } from "@/lib/ids";
import { testDatabases } from "@/tests/support/database";
import { watchDirectoryChanges, type ChangeFeed } from "./change-feed";
import { changeDirectory, DIRECTORY_CHANNEL, onLocalDirectoryChange, type DirectoryChange } from "./directory-changes";

/** Waits for `predicate`, failing after `ms`: a guard against a hang, far above the expected wait. */
async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The same database through an object openDatabase did not register, so it has no LISTEN: how a
 * Neon database looks to the feed, and how another instance's writes look to this one (no
 * in-process announcement reaches the feed's database object).
 */
function unregistered(db: Database): Database {
  return Object.create(db) as Database;
}

for (const entry of testDatabases()) {
  describe(`directory change feed [${entry.name}]`, () => {
    let handle: DatabaseHandle;
    const feeds: ChangeFeed[] = [];
    beforeAll(async () => {
      handle = await entry.open();
    });
    afterEach(async () => {
      await Promise.all(feeds.splice(0).map((feed) => feed.close()));
    });
    afterAll(async () => {
      await handle.close();
    });

    // directory_versions has no foreign key: a team id is all a change needs.
    const newTeamId = () => newId("team");

    function watch(db: Database, held: Map<string, number> = new Map(), pollIntervalMs?: number) {
      const heard: DirectoryChange[] = [];
      const feed = watchDirectoryChanges(db, { heldVersions: () => held, onChange: (change) => heard.push(change), pollIntervalMs });
      feeds.push(feed);
      return { feed, heard };
    }

    const version = async (teamId: string) =>
      (await handle.db.select().from(directoryVersions).where(eq(directoryVersions.teamId, teamId)))[0]?.version;

    it("bumps the team's version with the write, and tells this process before returning", async () => {
      const teamId = newTeamId();
      const heard: DirectoryChange[] = [];
      const stop = onLocalDirectoryChange(handle.db, (change) => heard.push(change));
      await changeDirectory(handle.db, teamId, async () => {});
      await changeDirectory(handle.db, teamId, async () => {});
      stop();
      expect(heard).toEqual([
        { teamId, version: 1 },
        { teamId, version: 2 },
      ]);
      expect(await version(teamId)).toBe(2);
    });

    it("bumps and announces nothing when the write fails", async () => {
      const teamId = newTeamId();
      await changeDirectory(handle.db, teamId, async () => {});
      const heard: DirectoryChange[] = [];
      const stop = onLocalDirectoryChange(handle.db, (change) => heard.push(change));
      const failing = changeDirectory(handle.db, teamId, async () => {
        throw new Error("refused");
      });
      await expect(failing).rejects.toThrow("refused");
      stop();
      expect(heard).toEqual([]);
      expect(await version(teamId)).toBe(1);
    });

    it("hears through LISTEN of a change committed by another instance", async () => {
      const teamId = newTeamId();
      const { feed, heard } = watch(handle.db);
      await until(() => feed.listening, "the feed listens");
      await changeDirectory(unregistered(handle.db), teamId, async () => {});
      await until(() => heard.length > 0, "the change is heard");
      expect(heard).toEqual([{ teamId, version: 1 }]);
    });

    it("ignores other payloads on the channel", async () => {
      const { feed, heard } = watch(handle.db);
      await until(() => feed.listening, "the feed listens");
      await handle.db.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, 'not a change')`);
      await handle.db.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, ${"team_x:3"})`);
      await until(() => heard.length > 0, "the change is heard");
      expect(heard).toEqual([{ teamId: "team_x", version: 3 }]);
    });

    it("without LISTEN (Neon), polls the held teams' versions", async () => {
      const [moving, still, unheld] = [newTeamId(), newTeamId(), newTeamId()];
      for (const teamId of [moving, still, unheld]) await changeDirectory(handle.db, teamId, async () => {});
      const db = unregistered(handle.db);
      const { feed, heard } = watch(
        db,
        new Map([
          [moving, 1],
          [still, 1],
        ]),
        20,
      );
      expect(feed.listening).toBe(false);
      // Through the registered object, whose in-process announcement does not reach this feed.
      await changeDirectory(handle.db, moving, async () => {});
      await changeDirectory(handle.db, unheld, async () => {});
      await until(() => heard.length > 0, "a poll finds the change");
      expect(heard).toEqual([{ teamId: moving, version: 2 }]);
    });

    it("polls once LISTEN is up, for changes committed before it took effect", async () => {
      const teamId = newTeamId();
      await changeDirectory(handle.db, teamId, async () => {});
      await changeDirectory(handle.db, teamId, async () => {});
      const { heard } = watch(handle.db, new Map([[teamId, 1]]));
      await until(() => heard.length > 0, "the catch-up poll finds the change");
      expect(heard).toEqual([{ teamId, version: 2 }]);
    });

    it("hears nothing once closed", async () => {
      const teamId = newTeamId();
      const { feed, heard } = watch(handle.db);
      await until(() => feed.listening, "the feed listens");
      await feed.close();
      await changeDirectory(handle.db, teamId, async () => {});
      await handle.db.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, ${`${teamId}:9`})`);
      // A round trip through the database, in which a stray notification would have arrived.
      await handle.db.execute(sql`select 1`);
      expect(heard).toEqual([]);
    });

    if (entry.name === "postgres") {
      it("polls while the LISTEN connection is down, and listens again", async () => {
        const teamId = newTeamId();
        await changeDirectory(handle.db, teamId, async () => {});
        const { feed, heard } = watch(handle.db, new Map([[teamId, 1]]), 20);
        await until(() => feed.listening, "the feed listens");
        await handle.db.execute(
          sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`,
        );
        await until(() => !feed.listening, "the feed notices the dropped connection");
        // Straight to the table, as if the notification had been lost with the connection.
        await handle.db.update(directoryVersions).set({ version: 2 }).where(eq(directoryVersions.teamId, teamId));
        await until(() => heard.length > 0, "a poll finds the change");
        expect(heard[0]).toEqual({ teamId, version: 2 });
        await until(() => feed.listening, "the feed listens again");
      });
    }
  });
}
