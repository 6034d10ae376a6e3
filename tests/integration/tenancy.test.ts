import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { gateways } from "@/db/schema";
import { expectGatewayError, expectUnauthorized } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { addCustomProvider, addGateway, addKey } from "../support/seed";

describeGateway("team isolation", (h) => {
  it("refuses team A's token on team B's gateway, by compat and by passthrough", async () => {
    const a = await h.seed();
    const b = await h.seed();
    await expectUnauthorized(await postJson(`${b.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(a.token)));
    await expectUnauthorized(await postJson(`${b.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(a.token)));
    await expectUnauthorized(
      await postJson(`${b.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), {
        "cf-aig-authorization": `Bearer ${a.token}`,
        authorization: "Bearer sk-attacker",
      }),
    );
    const models = await fetch(`${b.gatewayUrl}/compat/models`, { headers: bearer(a.token) });
    await expectUnauthorized(models);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${b.providerKey}`)).toEqual([]);
    expect(h.fake.requests.filter((r) => r.headers.authorization === "Bearer sk-attacker")).toEqual([]);
  });

  it("refuses team A's token under /client/v4/accounts/{team B}", async () => {
    const a = await h.seed();
    const b = await h.seed();
    const base = `${h.url}/client/v4/accounts/${b.team.slug}/ai/v1`;
    for (const headers of [{}, { "cf-aig-gateway-id": b.gateway.slug }] as Array<Record<string, string>>) {
      const res = await postJson(`${base}/chat/completions`, chatBody("openai/gpt-4o-mini"), { ...bearer(a.token), ...headers });
      await expectUnauthorized(res);
    }
    const embeddings = await postJson(`${base}/embeddings`, { model: "openai/text-embedding-3-small", input: "x" }, bearer(a.token));
    await expectUnauthorized(embeddings);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${b.providerKey}`)).toEqual([]);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${a.providerKey}`)).toEqual([]);
    // Neither team got a default gateway out of it.
    const defaults = await h.db.select().from(gateways).where(eq(gateways.slug, "default"));
    expect(defaults.filter((g) => g.teamId === a.team.id || g.teamId === b.team.id)).toEqual([]);
  });

  it("resolves cf-aig-gateway-id within the token's own team only", async () => {
    const a = await h.seed();
    const b = await h.seed();
    await addGateway(b, "b-only");
    const bOnlyKey = await addKey(b, { gatewaySlug: "b-only", baseUrl: h.fake.baseUrl });

    const unknownToA = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(a.token),
      "cf-aig-gateway-id": "b-only",
    });
    await expectGatewayError(unknownToA, 404, 2001);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${bOnlyKey}`)).toEqual([]);

    // Both teams have a gateway "main": A's token gets A's, with A's key.
    const sameSlug = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(a.token),
      "cf-aig-gateway-id": "main",
    });
    expect(sameSlug.status).toBe(200);
    expect(h.upstreamWithKey(a.providerKey).body?.model).toBe("gpt-4o-mini");
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${b.providerKey}`)).toEqual([]);
    const row = await h.logRow(sameSlug.headers.get("cf-aig-log-id") ?? "");
    expect(row.teamId).toBe(a.team.id);
    expect(row.gatewayId).toBe(a.gateway.id);
  });

  it("never uses team B's stored keys for team A", async () => {
    const a = await h.seed({ storedKey: false });
    const b = await h.seed();
    const bGroq = await addKey(b, { provider: "groq", baseUrl: h.fake.baseUrl });

    for (const [path, model] of [
      ["compat/chat/completions", "openai/gpt-4o-mini"],
      ["compat/chat/completions", "groq/llama-3.3-70b-versatile"],
    ] as const) {
      const res = await postJson(`${a.gatewayUrl}/${path}`, chatBody(model), bearer(a.token));
      await expectGatewayError(res, 400);
    }
    const passthrough = await postJson(`${a.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(a.token));
    await expectGatewayError(passthrough, 400);
    const rest = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(a.token));
    await expectGatewayError(rest, 400);

    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${b.providerKey}`)).toEqual([]);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${bGroq}`)).toEqual([]);
  });

  it("never lets team A reach team B's custom providers", async () => {
    const a = await h.seed({ storedKey: false });
    const b = await h.seed({ storedKey: false });
    await addCustomProvider(b, "secret-lab", `${h.fake.origin}/secret-lab/v1`);
    const bKey = await addKey(b, { provider: "custom-secret-lab", baseUrl: `${h.fake.origin}/secret-lab/v1` });

    const compat = await postJson(`${a.gatewayUrl}/compat/chat/completions`, chatBody("custom-secret-lab/m"), bearer(a.token));
    await expectGatewayError(compat, 400, 2008);
    const passthrough = await postJson(`${a.gatewayUrl}/custom-secret-lab/chat/completions`, chatBody("m"), bearer(a.token));
    await expectGatewayError(passthrough, 400, 2008);
    expect(h.fake.requests.filter((r) => r.path.startsWith("/secret-lab/"))).toEqual([]);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${bKey}`)).toEqual([]);
  });

  it("keeps each team's log rows to itself", async () => {
    const a = await h.seed();
    const b = await h.seed();
    const ra = await postJson(`${a.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(a.token));
    const rb = await postJson(`${b.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(b.token));
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    const rowA = await h.logRow(ra.headers.get("cf-aig-log-id") ?? "");
    const rowB = await h.logRow(rb.headers.get("cf-aig-log-id") ?? "");
    expect(rowA).toMatchObject({ teamId: a.team.id, gatewayId: a.gateway.id, tokenId: a.tokenId });
    expect(rowB).toMatchObject({ teamId: b.team.id, gatewayId: b.gateway.id, tokenId: b.tokenId });
    expect((await h.logRows(a.team.id)).map((r) => r.id)).toEqual([rowA.id]);
    expect((await h.logRows(b.team.id)).map((r) => r.id)).toEqual([rowB.id]);
  });

  it("answers an unknown team or gateway like any other refusal, reaching no provider", async () => {
    const a = await h.seed();
    const before = h.fake.requests.length;
    const unknownTeam = await postJson(`${h.url}/v1/no-such-team-x/main/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(a.token));
    await expectGatewayError(unknownTeam, 404, 2001);
    const unknownGateway = await postJson(`${h.url}/v1/${a.team.slug}/nope/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(a.token));
    await expectGatewayError(unknownGateway, 404, 2001);
    expect(h.fake.requests.length).toBe(before);
  });
});
