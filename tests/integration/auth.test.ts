import { expect, it } from "vitest";
import { revokeGatewayToken } from "@/lib/services/tokens/revoke";
import { describeGateway } from "../support/harness";
import { expectUnauthorized } from "../support/errors";
import { bearer, chatBody, postJson } from "../support/http";
import { addCustomProvider, addGateway, addToken } from "../support/seed";

describeGateway("authentication", (h) => {
  it("refuses a request without a token on an authenticated gateway", async () => {
    const t = await h.seed();
    await expectUnauthorized(await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini")));
    await expectUnauthorized(await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini")));
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toEqual([]);
  });

  it("refuses an unknown token, in either header", async () => {
    const t = await h.seed();
    const forged = `sy_${"A".repeat(43)}`;
    await expectUnauthorized(await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(forged)));
    await expectUnauthorized(
      await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
        "cf-aig-authorization": `Bearer ${forged}`,
      }),
    );
    await expectUnauthorized(
      await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
        "cf-aig-authorization": `Bearer ${t.token}x`,
      }),
    );
  });

  it("treats a non-token Authorization as a provider key, which does not authenticate", async () => {
    const t = await h.seed();
    await expectUnauthorized(
      await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer("sk-provider-key")),
    );
    expect(h.fake.requests.filter((r) => r.headers.authorization === "Bearer sk-provider-key")).toEqual([]);
  });

  it("accepts the token in Authorization or in cf-aig-authorization", async () => {
    const t = await h.seed();
    const a = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(a.status).toBe(200);
    const b = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(b.status).toBe(200);
  });

  it("logs the refusal on the gateway it was aimed at", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"));
    expect(res.status).toBe(401);
    const logId = res.headers.get("cf-aig-log-id");
    expect(logId).toBeTruthy();
    expect(res.headers.get("cf-aig-event-id")).toBeTruthy();
    expect(res.headers.get("cf-aig-request-id")).toBeTruthy();
    const row = await h.logRow(logId ?? "");
    expect(row).toMatchObject({
      teamId: t.team.id,
      gatewayId: t.gateway.id,
      tokenId: null,
      statusCode: 401,
      success: false,
      errorCode: 2009,
    });
  });

  it("lets a request without a token through a gateway whose authentication is off", async () => {
    const t = await h.seed({ storedKey: false, settings: { authentication: false } });
    await addCustomProvider(t, "open", `${h.fake.origin}/open/v1`);
    const key = `sk-open-${t.team.slug}`;
    const res = await postJson(`${t.gatewayUrl}/custom-open/chat/completions`, chatBody("m"), { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(key).path).toBe("/open/v1/chat/completions");
    // A valid token is still accepted there.
    const withToken = await postJson(`${t.gatewayUrl}/custom-open/chat/completions`, chatBody("m"), {
      authorization: `Bearer ${key}`,
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(withToken.status).toBe(200);
  });

  it("limits a token to the gateways it names", async () => {
    const t = await h.seed();
    await addGateway(t, "other");
    const scoped = await addToken(t, [t.gateway.slug]);
    const allowed = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(scoped.token));
    expect(allowed.status).toBe(200);

    const otherUrl = `${h.url}/v1/${t.team.slug}/other`;
    await expectUnauthorized(await postJson(`${otherUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(scoped.token)));
    await expectUnauthorized(await postJson(`${otherUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(scoped.token)));
    const viaRest = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(scoped.token),
      "cf-aig-gateway-id": "other",
    });
    await expectUnauthorized(viaRest);
    // The team's unrestricted token reaches the other gateway.
    const unrestricted = await postJson(`${otherUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(unrestricted.status).toBe(200);
  });

  it("refuses a revoked token", async () => {
    const t = await h.seed();
    const extra = await addToken(t);
    const before = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(extra.token));
    expect(before.status).toBe(200);
    await revokeGatewayToken({ ctx: t.ctx, teamId: t.team.id, tokenId: extra.id });
    await h.afterDirectoryCache();
    await expectUnauthorized(await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(extra.token)));
    await expectUnauthorized(await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(extra.token)));
  });
});
