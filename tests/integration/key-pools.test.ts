import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { providerKeys } from "@/db/schema";
import { changeDirectory } from "@/lib/state/directory-changes";
import { FAKE_BEDROCK_KEY, startFakeBedrock, type FakeBedrock } from "../fake-providers/bedrock";
import { startFakeVertex, type FakeVertex } from "../fake-providers/vertex";
import { attemptRows } from "../support/attempts";
import { expectGatewayError } from "../support/errors";
import { describeGateway, type Harness } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { addKey, type SeededTeam } from "../support/seed";

// The fake Vertex's token endpoint is on 127.0.0.1, as a token_uri only a deployment allowing private upstreams may use.
vi.stubEnv("SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS", "true");
afterAll(() => vi.unstubAllEnvs());

/** A team whose default openai pool is `count` team-wide keys at the fake; their secrets. */
async function pool(h: Harness, count: number): Promise<{ t: SeededTeam; keys: string[] }> {
  const t = await h.seed({ storedKey: false });
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(await addKey(t, { baseUrl: h.fake.baseUrl }));
  return { t, keys };
}

async function chat(t: SeededTeam, headers: Record<string, string> = {}): Promise<Response> {
  const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(t.token), ...headers });
  await res.clone().text();
  return res;
}

/** Which of `keys` each upstream request since `from` carried. */
function keysUsed(h: Harness, keys: string[], from = 0): number[] {
  return h.fake.requests.slice(from).flatMap((r) => {
    const i = keys.findIndex((k) => r.headers.authorization === `Bearer ${k}`);
    return i < 0 ? [] : [i];
  });
}

async function keyId(h: Harness, t: SeededTeam, secretLast4: string): Promise<string> {
  const rows = await h.db.select().from(providerKeys).where(and(eq(providerKeys.teamId, t.team.id), eq(providerKeys.secretLast4, secretLast4)));
  return rows[0]!.id;
}

describeGateway("key pools", (h) => {
  it("spreads requests across a pool round-robin, logging the key that served each", async () => {
    const { t, keys } = await pool(h, 3);
    const from = h.fake.requests.length;
    const responses: Response[] = [];
    for (let i = 0; i < 6; i++) responses.push(await chat(t));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const used = keysUsed(h, keys, from);
    // Each key once in every round of three.
    expect(new Set(used.slice(0, 3)).size).toBe(3);
    expect(used.slice(3)).toEqual(used.slice(0, 3));
    const rows = await Promise.all(responses.map((r) => h.logRow(r.headers.get("cf-aig-log-id") ?? "")));
    const ids = await Promise.all(keys.map((k) => keyId(h, t, k.slice(-4))));
    expect(rows.map((r) => ids.indexOf(r.providerKeyId ?? ""))).toEqual(used);
  });

  it("spreads by weight, evenly interleaved", async () => {
    const { t, keys } = await pool(h, 2);
    const heavy = await keyId(h, t, keys[0]!.slice(-4));
    await changeDirectory(h.db, t.team.id, (tx) => tx.update(providerKeys).set({ weight: 3 }).where(eq(providerKeys.id, heavy)));
    await h.afterDirectoryCache();
    const from = h.fake.requests.length;
    for (let i = 0; i < 8; i++) expect((await chat(t)).status).toBe(200);
    const used = keysUsed(h, keys, from);
    expect(used.filter((k) => k === 0)).toHaveLength(6);
    expect(used.filter((k) => k === 1)).toHaveLength(2);
    // Smooth: the light key never twice in a row, the heavy one never four times.
    expect(used.join("")).not.toMatch(/11|0000/);
  });

  it("moves on to another key at once when one answers 429, and leaves it cooling", async () => {
    const { t, keys } = await pool(h, 2);
    h.fake.fail(keys[0]!, { status: 429, retryAfter: "30", sticky: true });
    const from = h.fake.requests.length;
    let switched: Response | undefined;
    // Whichever key the pool starts with, the limited one is tried within two requests.
    for (let i = 0; i < 2 && !switched; i++) {
      const res = await chat(t, { "cf-aig-retry-delay": "5000" });
      expect(res.status).toBe(200);
      if (keysUsed(h, keys, from).includes(0)) switched = res;
    }
    const rows = await attemptRows(h, t, switched!);
    const ids = await Promise.all(keys.map((k) => keyId(h, t, k.slice(-4))));
    // Not a retry (one attempt allowed) and no backoff: the next key is its own attempt.
    expect(rows.map((r) => [r.attempt, r.statusCode, r.providerKeyId])).toEqual([
      [1, 429, ids[0]],
      [2, 200, ids[1]],
    ]);
    expect(rows[0]!.errorMessage).toContain("moved on to another key");
    const after = h.fake.requests.length;
    for (let i = 0; i < 3; i++) expect((await chat(t)).status).toBe(200);
    expect(keysUsed(h, keys, after)).toEqual([1, 1, 1]);
  });

  it("uses the key whose cool-down ends first when every key is cooling", async () => {
    const { t, keys } = await pool(h, 2);
    h.fake.fail(keys[0]!, { status: 429, retryAfter: "1" });
    h.fake.fail(keys[1]!, { status: 429, retryAfter: "30" });
    const res = await chat(t, { "cf-aig-max-attempts": "2" });
    expect(res.status).toBe(200);
    const rows = await attemptRows(h, t, res);
    const ids = await Promise.all(keys.map((k) => keyId(h, t, k.slice(-4))));
    expect(rows.map((r) => r.statusCode)).toEqual([429, 429, 200]);
    expect(rows[2]!.providerKeyId).toBe(ids[0]);
  });

  for (const status of [401, 403]) {
    it(`takes a key that answers ${status} out of the pool and flags it rejected`, async () => {
      const { t, keys } = await pool(h, 2);
      h.fake.fail(keys[0]!, { status, sticky: true });
      const from = h.fake.requests.length;
      let switched: Response | undefined;
      for (let i = 0; i < 2 && !switched; i++) {
        const res = await chat(t);
        expect(res.status).toBe(200);
        if (keysUsed(h, keys, from).includes(0)) switched = res;
      }
      const rows = await attemptRows(h, t, switched!);
      const ids = await Promise.all(keys.map((k) => keyId(h, t, k.slice(-4))));
      expect(rows.map((r) => [r.attempt, r.statusCode, r.providerKeyId])).toEqual([
        [1, status, ids[0]],
        [2, 200, ids[1]],
      ]);
      const after = h.fake.requests.length;
      for (let i = 0; i < 3; i++) expect((await chat(t)).status).toBe(200);
      expect(keysUsed(h, keys, after)).toEqual([1, 1, 1]);
      const [stored] = await h.db.select().from(providerKeys).where(eq(providerKeys.id, ids[0]!));
      expect(stored!.lastStatus).toBe("rejected");
    });
  }

  it("answers 401 with code 2009 naming the provider and alias when every key is rejected", async () => {
    const { t, keys } = await pool(h, 2);
    for (const key of keys) h.fake.fail(key, { status: 401, sticky: true });
    const res = await chat(t);
    const body = await expectGatewayError(res, 401, 2009);
    expect(body.error.message).toContain('openai key "default"');
    for (const key of keys) expect(JSON.stringify(body)).not.toContain(key);
    const rows = await attemptRows(h, t, res);
    expect(rows.map((r) => [r.attempt, r.statusCode, r.errorCode])).toEqual([
      [1, 401, 2009],
      [2, 401, 2009],
    ]);
    expect(new Set(rows.map((r) => r.providerKeyId)).size).toBe(2);
    // Still the provider's word each time: a key it takes again is back in the pool.
    await expectGatewayError(await chat(t), 401, 2009);
  });

  describe("a pool of keys that sign their calls", () => {
    let bedrock: FakeBedrock;
    beforeAll(async () => {
      bedrock = await startFakeBedrock();
    });
    afterAll(() => bedrock.close());

    it("signs each attempt with its own key: a refused Bedrock key gives way to one that signs correctly", async () => {
      const t = await h.seed({ storedKey: false });
      const unknown = { ...FAKE_BEDROCK_KEY, accessKeyId: "AKIAFAKEBEDROCKGONE1" };
      for (const credentials of [unknown, FAKE_BEDROCK_KEY]) await addKey(t, { provider: "aws-bedrock", baseUrl: bedrock.origin, secret: JSON.stringify(credentials) });
      const signer = (r: FakeBedrock["requests"][number]) => /Credential=([^/]+)\//.exec(String(r.headers.authorization))?.[1];
      const from = bedrock.requests.length;
      let switched: Response | undefined;
      for (let i = 0; i < 2 && !switched; i++) {
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("aws-bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0"), bearer(t.token));
        expect(res.status).toBe(200);
        await res.text();
        if (bedrock.requests.slice(from).some((r) => signer(r) === unknown.accessKeyId)) switched = res;
      }
      const seen = bedrock.requests.slice(from);
      expect(seen.map(signer).slice(-2)).toEqual([unknown.accessKeyId, FAKE_BEDROCK_KEY.accessKeyId]);
      expect(seen.at(-1)!.signedBy).toBe(FAKE_BEDROCK_KEY.accessKeyId);
      const rows = await attemptRows(h, t, switched!);
      expect(rows.map((r) => [r.attempt, r.statusCode, r.errorCode])).toEqual([
        [1, 403, 2009],
        [2, 200, null],
      ]);
    });
  });

  describe("a pool of keys exchanged for tokens", () => {
    let vertex: FakeVertex;
    beforeAll(async () => {
      vertex = await startFakeVertex();
    });
    afterAll(() => vertex.close());

    it("moves on from a Vertex AI key whose token exchange is refused to another of the pool", async () => {
      const t = await h.seed({ storedKey: false });
      const account = vertex.serviceAccount({ projectId: "proj-pool", region: "europe-west4" });
      const other = vertex.serviceAccount({ projectId: "proj-pool", region: "europe-west4" });
      // The account's email with another account's key: Google refuses the signature.
      const forged = JSON.stringify({ ...account.json, private_key: other.json.private_key });
      for (const secret of [forged, JSON.stringify(account.json)]) await addKey(t, { provider: "google-vertex-ai", baseUrl: vertex.origin, secret });
      const responses: Response[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("google-vertex-ai/google/gemini-2.5-flash"), bearer(t.token));
        expect(res.status).toBe(200);
        await res.text();
        responses.push(res);
      }
      const rows = (await Promise.all(responses.map((res) => attemptRows(h, t, res)))).flat();
      // The forged key is tried once, then left out: one refused attempt among the rows, the rest answered.
      expect(rows.filter((r) => r.statusCode === 401).map((r) => [r.attempt, r.errorCode])).toEqual([[1, 2009]]);
      expect(rows.filter((r) => r.statusCode === 200)).toHaveLength(2);
    });
  });

  it("keeps the gateway's own pool before the team-wide one", async () => {
    const { t, keys } = await pool(h, 2);
    const own = await addKey(t, { gatewaySlug: t.gateway.slug, baseUrl: h.fake.baseUrl });
    const from = h.fake.requests.length;
    for (let i = 0; i < 3; i++) expect((await chat(t)).status).toBe(200);
    expect(keysUsed(h, [...keys, own], from)).toEqual([2, 2, 2]);
  });
});
