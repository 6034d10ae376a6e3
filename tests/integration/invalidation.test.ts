import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/db/client";
import { createGateway } from "@/lib/gateway";
import { updateGateway } from "@/lib/services/gateways/update";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { startFakeOpenAI, type FakeOpenAI } from "../fake-providers/openai";
import { testDatabases } from "../support/database";
import { expectGatewayError, expectUnauthorized } from "../support/errors";
import { startGatewayServer, type GatewayServer } from "../support/gateway-server";
import { describeEachDatabase, describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { testKeyring } from "../support/keyring";
import { addCustomProvider, addToken, seedTeam, type SeededTeam } from "../support/seed";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";

/** The promise: a change is in effect on every instance within this time. */
const WITHIN_MS = 1000;

/**
 * Sends the request again until it gets `status`, and fails if that takes longer than the promised
 * second. Returns the response that had it.
 */
async function refusedWithinASecond(send: () => Promise<Response>, status: number): Promise<Response> {
  const deadline = Date.now() + WITHIN_MS;
  for (;;) {
    const res = await send();
    if (res.status === status) return res;
    await res.arrayBuffer();
    if (Date.now() > deadline) throw new Error(`still answered ${res.status}, not ${status}, ${WITHIN_MS} ms after the change`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A chat completion with the team's stored OpenAI key, at `gatewayUrl` (default: the seeded server's). */
const chat =
  (t: SeededTeam, headers: Record<string, string>, gatewayUrl = t.gatewayUrl) =>
  () =>
    postJson(`${gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), headers);

describeGateway("directory invalidation", (h) => {
  it("refuses a revoked token within a second", async () => {
    const t = await h.seed();
    const extra = await addToken(t);
    expect((await chat(t, bearer(extra.token))()).status).toBe(200);
    await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: extra.id });
    await expectUnauthorized(await refusedWithinASecond(chat(t, bearer(extra.token)), 401));
    expect((await chat(t, bearer(t.token))()).status).toBe(200);
  });

  it("stops using a removed key within a second", async () => {
    const t = await h.seed();
    expect((await chat(t, bearer(t.token))()).status).toBe(200);
    await removeProviderKey({ ctx: t.ctx, teamId: t.team.id, key: { provider: "openai" } });
    await expectGatewayError(await refusedWithinASecond(chat(t, bearer(t.token)), 400), 400);
  });

  it("applies a gateway setting within a second: authentication turned on", async () => {
    const t = await h.seed({ storedKey: false, settings: { authentication: false } });
    await addCustomProvider(t, "open", `${h.fake.origin}/open/v1`);
    const ownKey = () =>
      postJson(`${t.gatewayUrl}/custom-open/chat/completions`, chatBody("m"), { authorization: `Bearer sk-own-${t.team.slug}` });
    expect((await ownKey()).status).toBe(200);
    await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: t.gateway.slug, settings: { authentication: true } });
    await expectUnauthorized(await refusedWithinASecond(ownKey, 401));
  });
});

describeEachDatabase("a warm request", (database) => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("asks the database nothing", async () => {
    // The gateway itself, to read its counters; log events are dropped so nothing else queries.
    const gateway = createGateway({
      directory: createSnapshotDirectory(database().db, testKeyring),
      logs: { enqueue() {} },
      allowPrivateUpstreams: true,
      maxBodyBytes: 1024 * 1024,
      limitStore: new PostgresCounterStore(database().db),
    });
    try {
      const t = await seedTeam(database().db, { serverUrl: "http://gateway.test", keyBaseUrl: fake.baseUrl });
      const requests = [
        `${t.gatewayUrl}/compat/chat/completions`,
        `${t.gatewayUrl}/openai/chat/completions`,
        "http://gateway.test/ai/v1/chat/completions",
      ];
      const send = (url: string) =>
        gateway.handle(
          new Request(url, {
            method: "POST",
            headers: { "content-type": "application/json", ...bearer(t.token), "cf-aig-gateway-id": t.gateway.slug },
            body: JSON.stringify(chatBody(url.includes("/openai/") ? "gpt-4o-mini" : "openai/gpt-4o-mini")),
          }),
        );
      for (const url of requests) expect((await send(url)).status).toBe(200);
      const warm = gateway.stats().directory;
      expect(warm).toMatchObject({ teamsLoaded: 1, reloads: 1 });
      expect(warm.queries).toBeGreaterThan(0);

      for (let round = 0; round < 10; round++) {
        for (const url of requests) expect((await send(url)).status).toBe(200);
      }
      expect(gateway.stats().directory).toEqual(warm);
    } finally {
      await gateway.close();
    }
  });
});

/** Two gateway instances, each with its own connections to one Postgres database, as two servers would run. */
const postgres = testDatabases().find((d) => d.name === "postgres");

describe.skipIf(!postgres)("directory invalidation across two instances [postgres]", () => {
  let a: DatabaseHandle;
  let b: DatabaseHandle;
  let fake: FakeOpenAI;
  let serverA: GatewayServer;
  let serverB: GatewayServer;
  beforeAll(async () => {
    a = await postgres!.open();
    const url = new URL(process.env.TEST_DATABASE_URL!);
    // node-postgres answers with its QueryResult.
    const result = (await a.db.execute(sql`select current_database() as name`)) as unknown as { rows: { name: string }[] };
    url.pathname = `/${result.rows[0]!.name}`;
    b = await openDatabase({ driver: "postgres", url: url.toString() });
    fake = await startFakeOpenAI();
    serverA = await startGatewayServer("node", { database: a });
    serverB = await startGatewayServer("node", { database: b });
  });
  afterAll(async () => {
    await serverA?.close();
    await serverB?.close();
    await fake?.close();
    await b?.close();
    await a?.close();
  });

  /** A team seeded through instance A's connection, already served (so snapshotted) by instance B. */
  async function seedServedByB(): Promise<SeededTeam> {
    const t = await seedTeam(a.db, { serverUrl: serverB.url, keyBaseUrl: fake.baseUrl });
    expect((await chat(t, bearer(t.token))()).status).toBe(200);
    return t;
  }

  it("refuses on instance B, within a second, a token revoked through instance A", async () => {
    const t = await seedServedByB();
    const extra = await addToken(t);
    expect((await chat(t, bearer(extra.token))()).status).toBe(200);
    await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: extra.id });
    await expectUnauthorized(await refusedWithinASecond(chat(t, bearer(extra.token)), 401));
    // Instance A, whose connection made the change, refused it at once.
    await expectUnauthorized(await chat(t, bearer(extra.token), t.gatewayUrl.replace(serverB.url, serverA.url))());
  });

  it("stops using on instance B, within a second, a key removed through instance A", async () => {
    const t = await seedServedByB();
    await removeProviderKey({ ctx: t.ctx, teamId: t.team.id, key: { provider: "openai" } });
    await expectGatewayError(await refusedWithinASecond(chat(t, bearer(t.token)), 400), 400);
  });

  it("applies on instance B, within a second, a setting changed through instance A", async () => {
    const t = await seedTeam(a.db, { serverUrl: serverB.url, settings: { authentication: false } });
    await addCustomProvider(t, "open", `${fake.origin}/open/v1`);
    const ownKey = () =>
      postJson(`${t.gatewayUrl}/custom-open/chat/completions`, chatBody("m"), { authorization: `Bearer sk-own-${t.team.slug}` });
    expect((await ownKey()).status).toBe(200);
    await updateGateway({ ctx: t.ctx, teamId: t.team.id, slug: t.gateway.slug, settings: { authentication: true } });
    await expectUnauthorized(await refusedWithinASecond(ownKey, 401));
  });

  it("accepts on instance B at once a token issued through instance A", async () => {
    const t = await seedServedByB();
    const issued = await addToken(t);
    expect((await chat(t, bearer(issued.token))()).status).toBe(200);
  });
});
