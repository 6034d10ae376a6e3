import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { hashGatewayToken } from "@/lib/crypto/gateway-token";
import { createApiToken } from "@/lib/services/api-tokens/create";
import { revokeApiToken } from "@/lib/services/api-tokens/revoke";
import { addOperatorKey, removeOperatorKey, rotateOperatorKey } from "@/lib/services/operator/keys";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { changeDirectory } from "@/lib/state/directory-changes";
import { testDatabases } from "@/tests/support/database";
import { testKeyring } from "@/tests/support/keyring";
import { operatorContext, seedTeam } from "@/tests/support/seed";
import type { GatewayDirectory } from "@/lib/state/directory";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";

for (const entry of testDatabases()) {
  describe(`directory snapshot [${entry.name}]`, () => {
    let handle: DatabaseHandle;
    let directory: GatewayDirectory;
    beforeAll(async () => {
      handle = await entry.open();
    });
    afterEach(async () => {
      await directory?.close();
    });
    afterAll(async () => {
      await handle.close();
    });

    const seed = () => seedTeam(handle.db, { serverUrl: "http://gateway.test", keyBaseUrl: "http://upstream.test/v1" });
    const open = () => (directory = createSnapshotDirectory(handle.db, testKeyring));

    it("loads a cold team once for however many requests want it", async () => {
      const t = await seed();
      open();
      const found = await Promise.all(Array.from({ length: 20 }, () => directory.token(hashGatewayToken(t.token))));
      expect(found.map((token) => token?.id)).toEqual(Array(20).fill(t.tokenId));
      expect(directory.stats()).toMatchObject({ teamsLoaded: 1, reloads: 1, tokenMisses: 20 });
      const { queries } = directory.stats();
      expect(await directory.team(t.team.slug)).toEqual({ id: t.team.id, slug: t.team.slug });
      expect((await directory.gateway(t.team.id, t.gateway.slug))?.id).toBe(t.gateway.id);
      expect((await directory.providerKeys(t.team.id, t.gateway.id, "openai")).map((k) => k.secret())).toEqual([t.providerKey]);
      expect(directory.stats().queries).toBe(queries);
    });

    it("asks once about an unknown token however often it comes, until something changes", async () => {
      const t = await seed();
      open();
      const forged = hashGatewayToken(`sy_${"F".repeat(43)}`);
      const before = directory.stats().queries;
      for (let i = 0; i < 50; i++) expect(await directory.token(forged)).toBeUndefined();
      expect(directory.stats().queries).toBe(before + 1);
      await changeDirectory(handle.db, t.team.id, async () => {});
      expect(await directory.token(forged)).toBeUndefined();
      expect(directory.stats().queries).toBe(before + 2);
    });

    it("drops a team's snapshot when it changes, and loads it again on next use", async () => {
      const t = await seed();
      open();
      const hash = hashGatewayToken(t.token);
      expect((await directory.token(hash))?.id).toBe(t.tokenId);
      await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: t.tokenId });
      expect(directory.stats()).toMatchObject({ teamsLoaded: 0, invalidations: 1 });
      expect(await directory.token(hash)).toBeUndefined();
      expect((await directory.gateway(t.team.id, t.gateway.slug))?.id).toBe(t.gateway.id);
      expect(directory.stats()).toMatchObject({ teamsLoaded: 1, reloads: 2 });
    });

    it("holds a team's run-scoped API tokens with the role they act with, asks once about any other, and drops a revoked one", async () => {
      const t = await seed();
      const run = await createApiToken({ ctx: t.ctx, teamId: t.team.id, name: "runner", scopes: ["run"], role: "member" });
      const manage = await createApiToken({ ctx: t.ctx, teamId: t.team.id, name: "manager", scopes: ["read", "edit"], role: "admin" });
      open();
      const hash = hashGatewayToken(run.token);
      expect(await directory.apiToken(hash)).toEqual({
        id: run.record.id,
        teamId: t.team.id,
        teamSlug: t.team.slug,
        gatewayIds: null,
        expiresAt: run.record.expiresAt,
        rateLimits: [],
        role: "member",
      });
      const { queries } = directory.stats();
      expect((await directory.apiToken(hash))?.id).toBe(run.record.id);
      // Neither a gateway token's lookup nor a token without the run scope finds it, and the latter is asked about once.
      expect(await directory.token(hash)).toBeUndefined();
      for (let i = 0; i < 20; i++) expect(await directory.apiToken(hashGatewayToken(manage.token))).toBeUndefined();
      expect(directory.stats().queries).toBe(queries + 2);

      await revokeApiToken({ ctx: t.ctx, teamId: t.team.id, tokenId: run.record.id });
      expect(directory.stats()).toMatchObject({ teamsLoaded: 0, invalidations: 1 });
      expect(await directory.apiToken(hash)).toBeUndefined();
    });

    it("holds the operator's keys once for every team, and drops them when they change: at once here, by the change feed elsewhere", async () => {
      const ctx = operatorContext(handle.db);
      const secret = "sk-operator-directory-0123456789";
      const key = await addOperatorKey({ ctx, provider: "groq", secret, keyring: testKeyring });
      open();
      // Another instance: the same database through an object no in-process announcement reaches, so it learns by polling.
      const elsewhere = createSnapshotDirectory(Object.create(handle.db), testKeyring);
      try {
        const [held] = await directory.operatorKeys("groq");
        expect(held).toMatchObject({ id: key.id, alias: "default", gatewayId: null, rejected: false });
        expect(held!.secret()).toBe(secret);
        expect(await directory.operatorKeys("groq")).toBe(await directory.operatorKeys("groq"));
        expect((await elsewhere.operatorKeys("groq")).map((k) => k.secret())).toEqual([secret]);

        const rotated = "sk-operator-directory-rotated-987";
        await rotateOperatorKey({ ctx, id: key.id, secret: rotated, keyring: testKeyring });
        expect((await directory.operatorKeys("groq")).map((k) => k.secret())).toEqual([rotated]);
        for (;;) {
          const [seen] = await elsewhere.operatorKeys("groq");
          if (seen?.secret() === rotated) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await removeOperatorKey({ ctx, id: key.id });
        expect(await directory.operatorKeys("groq")).toEqual([]);
      } finally {
        await elsewhere.close();
      }
    });

    if (entry.name === "postgres") {
      it("loads again when a change overtakes a load, rather than serve what it read before", async () => {
        const t = await seed();
        open();
        // Holds the load at its custom providers query, after it has read the team's tokens.
        let release!: () => void;
        let locked!: () => void;
        const lockTaken = new Promise<void>((resolve) => (locked = resolve));
        const lock = handle.db.transaction(async (tx) => {
          await tx.execute(sql`lock table custom_providers in access exclusive mode`);
          locked();
          await new Promise<void>((resolve) => (release = resolve));
        });
        await lockTaken;
        const racing = directory.token(hashGatewayToken(t.token));
        for (;;) {
          const waiting = (await handle.db.execute(
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )) as unknown as { rows: { n: number }[] };
          if (waiting.rows[0]!.n > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: t.tokenId });
        release();
        await lock;
        expect(await racing).toBeUndefined();
        expect(await directory.token(hashGatewayToken(t.token))).toBeUndefined();
        expect(directory.stats()).toMatchObject({ teamsLoaded: 1, reloads: 2, invalidations: 0 });
      });
    }
  });
}
