// The playground end to end below the browser: lib/playground through the real in-process gateway
// to the fake OpenAI over HTTP, on every test database.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gatewayTokens, memberships, playgroundCredentials, requestLogPayloads, requestLogs, users, type Role } from "@/db/schema";
import { createGateway, type GatewayHandler } from "@/lib/gateway";
import { newId } from "@/lib/ids";
import { LogQueue } from "@/lib/logs/queue";
import { writeLogBatch } from "@/lib/logs/writer";
import { costMicros } from "@/lib/pricing/cost";
import type { ServiceContext } from "@/lib/services/context";
import { ForbiddenError, NotFoundError } from "@/lib/services/errors";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { createSnapshotDirectory } from "@/lib/state/snapshot-directory";
import { startFakeOpenAI, type FakeOpenAI } from "@/tests/fake-providers/openai";
import { describeEachDatabase } from "@/tests/support/harness";
import { SseReader } from "@/tests/support/http";
import { testKeyring } from "@/tests/support/keyring";
import { addCustomProvider, addKey, seedTeam, type SeededTeam } from "@/tests/support/seed";
import { streamPlaygroundChat, type PlaygroundDeps } from "./chat";
import { handlePlaygroundRequest } from "./handler";
import { reachableChatModels } from "./reachable-models";
import type { PlaygroundMetadata } from "./types";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";

interface Streamed {
  /** Every text delta, in order. */
  deltas: string[];
  text: string;
  metadata: PlaygroundMetadata;
  errors: string[];
  raw: string[];
}

async function readPlayground(res: Response): Promise<Streamed> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = new SseReader(res);
  const out: Streamed = { deltas: [], text: "", metadata: {}, errors: [], raw: [] };
  for (let data = await reader.next(); data !== undefined && data !== "[DONE]"; data = await reader.next()) {
    out.raw.push(data);
    const chunk = JSON.parse(data) as { type: string; delta?: string; errorText?: string; messageMetadata?: PlaygroundMetadata };
    if (chunk.type === "text-delta") out.deltas.push(chunk.delta ?? "");
    if (chunk.type === "error") out.errors.push(chunk.errorText ?? "");
    if (chunk.messageMetadata) Object.assign(out.metadata, chunk.messageMetadata);
  }
  out.text = out.deltas.join("");
  return out;
}

function userMessage(text: string) {
  return { id: newId("user"), role: "user", parts: [{ type: "text", text }] };
}

describeEachDatabase("playground", (database) => {
  let fake: FakeOpenAI;
  let logs: LogQueue;
  let gateway: GatewayHandler;
  let deps: PlaygroundDeps;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const { db } = database();
    logs = new LogQueue({ write: (events) => writeLogBatch(db, events) });
    gateway = createGateway({ directory: createSnapshotDirectory(db, testKeyring), logs, allowPrivateUpstreams: true, maxBodyBytes: 1024 * 1024, limitStore: new PostgresCounterStore(db) });
    deps = { gateway: (req) => gateway.handle(req), publicUrl: "http://switchyard.invalid", keyring: testKeyring };
  });
  afterAll(async () => {
    await gateway?.close();
    await logs?.close();
    await fake?.close();
  });

  async function seeded(): Promise<SeededTeam> {
    return seedTeam(database().db, { serverUrl: "http://switchyard.invalid", keyBaseUrl: fake.baseUrl });
  }

  async function member(t: SeededTeam, role: Role): Promise<{ ctx: ServiceContext; userId: string; email: string }> {
    const { db } = database();
    const userId = newId("user");
    const email = `${userId.toLowerCase()}@example.test`;
    await db.insert(users).values({ id: userId, email });
    await db.insert(memberships).values({ teamId: t.team.id, userId, role });
    return { ctx: { db, actor: { type: "user", userId } }, userId, email };
  }

  async function logRow(logId: string) {
    const { db } = database();
    for (let attempt = 0; attempt < 500; attempt++) {
      await logs.flush();
      const [row] = await db.select().from(requestLogs).where(eq(requestLogs.id, logId));
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log row ${logId}`);
  }

  function send(ctx: ServiceContext, t: SeededTeam, extra: Record<string, unknown> = {}) {
    return streamPlaygroundChat({
      ctx,
      deps,
      body: { team: t.team.slug, gateway: t.gateway.slug, model: "openai/gpt-4o-mini", messages: [userMessage("Say hello.")], ...extra },
    });
  }

  it("offers the chat models the gateway's compat/models lists, a custom provider's reported ones included", async () => {
    const t = await seeded();
    const { ctx } = await member(t, "member");
    await addCustomProvider(t, "box", `${fake.origin}/box/v1`);
    await addKey(t, { provider: "custom-box", baseUrl: `${fake.origin}/box/v1` });
    const models = await reachableChatModels({ ctx, teamId: t.team.id, teamSlug: t.team.slug, gatewaySlugs: [t.gateway.slug], deps });
    expect(models["openai"]![0]).toBe("openai/gpt-4o-mini");
    expect(models["openai"]).not.toContain("openai/text-embedding-3-small");
    expect(models["custom-box"]).toEqual(["custom-box/gpt-4o-mini", "custom-box/gpt-4o"]);
  });

  it("streams the answer through the team's gateway with provider, tokens, cost, timing and log id", async () => {
    const t = await seeded();
    const { ctx, userId, email } = await member(t, "member");
    // An application's request first, so the gateway already holds the team's directory when the
    // playground's token is made: the new token must reach it at once.
    const app = await gateway.handle(
      new Request(`http://switchyard.invalid/v1/${t.team.slug}/main/compat/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    expect(app.status).toBe(200);
    await app.text();
    const streamed = await readPlayground(
      await send(ctx, t, { system: "Answer briefly.", temperature: 0.3, maxTokens: 64 }),
    );

    expect(streamed.errors).toEqual([]);
    expect(streamed.text).toBe(fake.content);
    // Word by word, as the provider streamed it: more than one delta.
    expect(streamed.deltas.length).toBeGreaterThan(3);

    const usage = { input: fake.usage.prompt_tokens, output: fake.usage.completion_tokens, cached: fake.usage.cached_tokens };
    const cost = costMicros("openai", "gpt-4o-mini", usage);
    expect(cost.micros).toBeGreaterThan(0);
    const m = streamed.metadata;
    expect(m).toMatchObject({
      gateway: "main",
      provider: "openai",
      model: "gpt-4o-mini",
      tokensIn: usage.input,
      tokensOut: usage.output,
      tokensCached: usage.cached,
      costMicros: cost.micros,
      costKnown: true,
    });
    expect(m.ttftMs).toBeGreaterThanOrEqual(0);
    expect(m.totalMs).toBeGreaterThanOrEqual(m.ttftMs ?? 0);
    expect(m.logId).toMatch(/^[0-9a-f-]{36}$/);

    // The log row is the gateway's own, under the user's playground token, and agrees with the metadata.
    const row = await logRow(m.logId ?? "");
    const { db } = database();
    const [credential] = await db.select().from(playgroundCredentials).where(eq(playgroundCredentials.userId, userId));
    expect(credential).toBeDefined();
    expect(row).toMatchObject({
      teamId: t.team.id,
      gatewayId: t.gateway.id,
      tokenId: credential?.tokenId,
      provider: "openai",
      model: "gpt-4o-mini",
      stream: true,
      success: true,
      tokensIn: usage.input,
      tokensOut: usage.output,
      costMicros: cost.micros,
    });
    const [payload] = await db.select().from(requestLogPayloads).where(eq(requestLogPayloads.logId, row.id));
    expect(payload?.requestBody).toContain("Say hello.");

    // The settings reached the provider.
    const upstream = fake.requests.find((r) => r.headers.authorization === `Bearer ${t.providerKey}` && r.rawBody.includes("Answer briefly."));
    expect(upstream?.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.3, max_tokens: 64, stream: true });
    expect(upstream?.body?.messages).toEqual([
      { role: "system", content: "Answer briefly." },
      { role: "user", content: "Say hello." },
    ]);

    // The token is an ordinary team token, named for its user, and never sent to the browser.
    const [token] = await db.select().from(gatewayTokens).where(eq(gatewayTokens.id, credential?.tokenId ?? ""));
    expect(token).toMatchObject({ name: `Playground · ${email}`, createdBy: userId, gatewayIds: null, revokedAt: null });
    expect(credential?.secret).not.toContain("sy_");
    expect(streamed.raw.join("\n")).not.toContain("sy_");
  });

  it("reuses the user's token, and makes a new one when an admin revoked it", async () => {
    const t = await seeded();
    const { ctx, userId } = await member(t, "member");
    const { db } = database();
    const tokenOf = async () =>
      (await db.select().from(playgroundCredentials).where(and(eq(playgroundCredentials.userId, userId), eq(playgroundCredentials.teamId, t.team.id))))[0]?.tokenId;

    await readPlayground(await send(ctx, t));
    const first = await tokenOf();
    await readPlayground(await send(ctx, t));
    expect(await tokenOf()).toBe(first);

    await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: first ?? "" });
    const again = await readPlayground(await send(ctx, t));
    expect(again.errors).toEqual([]);
    expect(again.text).toBe(fake.content);
    const second = await tokenOf();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await logRow(again.metadata.logId ?? "")).tokenId).toBe(second);
    const [old] = await db.select().from(gatewayTokens).where(eq(gatewayTokens.id, first ?? ""));
    expect(old?.revokedAt).toBeInstanceOf(Date);
  });

  it("creates one token when the first requests of a user race", async () => {
    const t = await seeded();
    const { ctx, userId } = await member(t, "admin");
    const results = await Promise.all([1, 2, 3].map(() => send(ctx, t).then(readPlayground)));
    for (const r of results) expect(r.text).toBe(fake.content);
    const { db } = database();
    const tokens = await db.select().from(gatewayTokens).where(and(eq(gatewayTokens.teamId, t.team.id), eq(gatewayTokens.createdBy, userId)));
    expect(tokens).toHaveLength(1);
  });

  it("refuses viewers with a clear message and creates no token for them", async () => {
    const t = await seeded();
    const { ctx, userId } = await member(t, "viewer");
    const refused = send(ctx, t);
    await expect(refused).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refused).rejects.toThrow(/Viewers can't send playground requests/);
    const { db } = database();
    expect(await db.select().from(gatewayTokens).where(eq(gatewayTokens.createdBy, userId))).toEqual([]);

    const res = await handlePlaygroundRequest(
      new Request("http://switchyard.invalid/api/playground", {
        method: "POST",
        body: JSON.stringify({ team: t.team.slug, gateway: "main", model: "openai/gpt-4o-mini", messages: [userMessage("hi")] }),
      }),
      ctx,
      deps,
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Viewers can't send playground requests.*member role/);
  });

  it("does not reveal another team or its gateways", async () => {
    const t = await seeded();
    const other = await seeded();
    const { ctx } = await member(other, "owner");
    await expect(send(ctx, t)).rejects.toBeInstanceOf(NotFoundError);
    await expect(send(ctx, other, { gateway: "nope" })).rejects.toThrow(new NotFoundError('gateway "nope" not found'));
  });

  it("answers 401 without a session and 400 for a malformed request", async () => {
    const t = await seeded();
    const { ctx } = await member(t, "member");
    const post = (body: string, c: ServiceContext | null) =>
      handlePlaygroundRequest(new Request("http://switchyard.invalid/api/playground", { method: "POST", body }), c, deps);
    expect((await post("{}", null)).status).toBe(401);
    expect((await post("not json", ctx)).status).toBe(400);
    const badModel = await post(JSON.stringify({ team: t.team.slug, gateway: "main", model: "gpt-4o-mini", messages: [userMessage("hi")] }), ctx);
    expect(badModel.status).toBe(400);
    expect(await badModel.text()).toContain('use "{provider}/{model}"');
  });

  it("streams the gateway's error when no key can serve the provider", async () => {
    const t = await seeded();
    const { ctx } = await member(t, "member");
    const streamed = await readPlayground(await send(ctx, t, { model: "groq/llama-3.3-70b-versatile" }));
    expect(streamed.text).toBe("");
    expect(streamed.errors.join("\n")).toMatch(/No groq key is stored for gateway "main"/);
    // The refusal is logged too, and the answer points at its row.
    expect(streamed.metadata.logId).toBeDefined();
    expect((await logRow(streamed.metadata.logId ?? "")).success).toBe(false);
  });
});
