import { expect, it } from "vitest";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { addCustomProvider, addGateway, addKey } from "../support/seed";

describeGateway("provider credentials", (h) => {
  it("forwards a provider key sent with the request in preference to the stored one", async () => {
    const t = await h.seed({ storedKey: false });
    // A request key goes to the provider's own base URL (a stored key's override is the stored
    // key's), so the provider here is a custom one whose base URL is the fake.
    await addCustomProvider(t, "byo", `${h.fake.origin}/byo/v1`);
    const stored = await addKey(t, { provider: "custom-byo" });
    const requestKey = `sk-request-${t.team.slug}`;
    for (const [path, model] of [
      ["compat/chat/completions", "custom-byo/m"],
      ["custom-byo/chat/completions", "m"],
    ] as const) {
      const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), {
        "cf-aig-authorization": `Bearer ${t.token}`,
        authorization: `Bearer ${requestKey}`,
      });
      expect(res.status, path).toBe(200);
      expect(h.upstreamWithKey(requestKey).path).toBe("/byo/v1/chat/completions");
    }
    const rest = await postJson(`${h.url}/ai/v1/chat/completions`, chatBody("custom-byo/m"), {
      "cf-aig-authorization": `Bearer ${t.token}`,
      authorization: `Bearer ${requestKey}`,
      "cf-aig-gateway-id": t.gateway.slug,
    });
    expect(rest.status).toBe(200);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${requestKey}`)).toHaveLength(3);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${stored}`)).toEqual([]);

    // Without the request key, the stored one is used.
    const storedUse = await postJson(`${t.gatewayUrl}/custom-byo/chat/completions`, chatBody("m"), bearer(t.token));
    expect(storedUse.status).toBe(200);
    expect(h.upstreamWithKey(stored).path).toBe("/byo/v1/chat/completions");
  });

  it("uses the stored default key when the request carries none", async () => {
    const t = await h.seed();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(t.providerKey).headers.authorization).toBe(`Bearer ${t.providerKey}`);
  });

  it("prefers a gateway's own key to the team-wide key", async () => {
    const t = await h.seed();
    const gatewayKey = await addKey(t, { gatewaySlug: t.gateway.slug, baseUrl: h.fake.baseUrl });
    await addGateway(t, "plain");

    const own = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(own.status).toBe(200);
    expect(h.upstreamWithKey(gatewayKey).body?.model).toBe("gpt-4o-mini");

    const before = h.fake.requests.length;
    const plain = await postJson(`${h.url}/v1/${t.team.slug}/plain/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(plain.status).toBe(200);
    const seen = h.fake.requests.slice(before);
    expect(seen.map((r) => r.headers.authorization)).toEqual([`Bearer ${t.providerKey}`]);
  });

  it("takes the gateway key's base URL as well as its secret", async () => {
    const t = await h.seed();
    const gatewayKey = await addKey(t, { gatewaySlug: t.gateway.slug, baseUrl: `${h.fake.origin}/regional/v1` });
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), bearer(t.token));
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(gatewayKey).path).toBe("/regional/v1/chat/completions");
  });

  it("selects a stored key by cf-aig-byok-alias", async () => {
    const t = await h.seed();
    const backup = await addKey(t, { alias: "backup", baseUrl: h.fake.baseUrl });
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-byok-alias": "backup",
    });
    expect(res.status).toBe(200);
    expect(h.upstreamWithKey(backup).path).toBe("/v1/chat/completions");
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toEqual([]);

    const compat = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-byok-alias": "backup",
    });
    expect(compat.status).toBe(200);
    expect(h.fake.requests.filter((r) => r.headers.authorization === `Bearer ${backup}`)).toHaveLength(2);
  });

  it("refuses an unknown alias with 400 and code 2040, naming the configured aliases", async () => {
    const t = await h.seed();
    await addKey(t, { alias: "backup", baseUrl: h.fake.baseUrl });
    const before = h.fake.requests.length;
    const res = await postJson(`${t.gatewayUrl}/openai/chat/completions`, chatBody("gpt-4o-mini"), {
      ...bearer(t.token),
      "cf-aig-byok-alias": "nonexistent",
    });
    const body = await expectGatewayError(res, 400, 2040);
    expect(body.error.message).toContain("nonexistent");
    expect(body.error.message).toContain("openai");
    expect(body.error.message).toContain("backup");
    expect(h.fake.requests.length).toBe(before);
  });

  it("refuses a request with no key at all with 400 naming the provider and how to add one", async () => {
    const t = await h.seed({ storedKey: false });
    const before = h.fake.requests.length;
    for (const [path, model, provider] of [
      ["compat/chat/completions", "openai/gpt-4o-mini", "openai"],
      ["compat/chat/completions", "mistral/mistral-small-latest", "mistral"],
      ["groq/chat/completions", "llama-3.3-70b-versatile", "groq"],
    ] as const) {
      const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), bearer(t.token));
      const body = await expectGatewayError(res, 400);
      expect(body.error.message).toContain(provider);
      expect(body.error.message).toMatch(/key/i);
    }
    expect(h.fake.requests.length).toBe(before);
  });

  it("answers a provider's rejection of a stored key with 401 and code 2009 naming the provider and alias, never the secret", async () => {
    const t = await h.seed();
    const backup = await addKey(t, { alias: "backup", baseUrl: h.fake.baseUrl });
    for (const [path, model] of [
      ["compat/chat/completions", "openai/fake-error-401"],
      ["openai/chat/completions", "fake-error-401"],
    ] as const) {
      const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), { ...bearer(t.token), "cf-aig-byok-alias": "backup" });
      const body = await expectGatewayError(res, 401, 2009);
      expect(body.error.code).toBe("provider_key_rejected");
      expect(body.error.message).toContain('openai key "backup"');
      expect(JSON.stringify(body)).not.toContain(backup);
      const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
      expect(row).toMatchObject({ statusCode: 401, provider: "openai" });
      expect(row.errorMessage).toContain("HTTP 401");
    }

    // A client's own key is the client's business: the provider's answer reaches it as sent. (A
    // request key goes to the provider's own base URL, so the provider is a custom one at the fake.)
    await addCustomProvider(t, "own", `${h.fake.origin}/own/v1`);
    const own = await postJson(`${t.gatewayUrl}/custom-own/chat/completions`, chatBody("fake-error-401"), {
      authorization: "Bearer sk-client-own",
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(own.status).toBe(401);
    expect(((await own.json()) as { internalCode?: number }).internalCode).toBeUndefined();
  });

  it("stops using a key once it is removed", async () => {
    const t = await h.seed();
    const ok = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(ok.status).toBe(200);
    await removeProviderKey({ ctx: t.ctx, teamId: t.team.id, key: { provider: "openai" } });
    await h.afterDirectoryCache();
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    await expectGatewayError(res, 400);
  });
});

describeGateway(
  "private-address guard",
  (h) => {
    it("refuses a stored key whose base URL is a loopback address, saying why", async () => {
      const t = await h.seed();
      const before = h.fake.requests.length;
      for (const [path, model] of [
        ["compat/chat/completions", "openai/gpt-4o-mini"],
        ["openai/chat/completions", "gpt-4o-mini"],
      ] as const) {
        const res = await postJson(`${t.gatewayUrl}/${path}`, chatBody(model), bearer(t.token));
        const body = await expectGatewayError(res, 403);
        expect(body.error.message).toMatch(/private|loopback/i);
        expect(body.error.message).toContain("127.0.0.1");
      }
      expect(h.fake.requests.length).toBe(before);
    });

    it("refuses a host name that resolves to loopback", async () => {
      const t = await h.seed({ storedKey: false });
      await addKey(t, { baseUrl: h.fake.baseUrl.replace("127.0.0.1", "localhost") });
      const before = h.fake.requests.length;
      const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
      const body = await expectGatewayError(res, 403);
      expect(body.error.message).toMatch(/private|loopback/i);
      expect(h.fake.requests.length).toBe(before);
    });

    it("refuses a custom provider on a private address", async () => {
      const t = await h.seed({ storedKey: false });
      await addCustomProvider(t, "intranet", `${h.fake.origin}/intranet/v1`);
      const before = h.fake.requests.length;
      const res = await postJson(`${t.gatewayUrl}/custom-intranet/chat/completions`, chatBody("m"), {
        "cf-aig-authorization": `Bearer ${t.token}`,
        authorization: "Bearer sk-intranet",
      });
      const body = await expectGatewayError(res, 403);
      expect(body.error.message).toMatch(/private|loopback/i);
      expect(h.fake.requests.length).toBe(before);
    });
  },
  { allowPrivateUpstreams: false },
);
