import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { gatewayTokens, providerKeys } from "@/db/schema";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { addCustomProvider, addKey } from "../support/seed";

describeGateway("last use of tokens and stored keys", (h) => {
  it("records when the token and the stored key were last used, and whether the provider accepted the key", async () => {
    const t = await h.seed();
    const [key] = await h.db.select().from(providerKeys).where(eq(providerKeys.teamId, t.team.id));
    expect(key).toMatchObject({ lastUsedAt: null, lastStatus: null });

    const ok = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(ok.status).toBe(200);
    expect(await h.logRow(ok.headers.get("cf-aig-log-id") ?? "")).toMatchObject({ providerKeyId: key!.id });
    const [used] = await h.db.select().from(providerKeys).where(eq(providerKeys.id, key!.id));
    expect(used).toMatchObject({ lastStatus: "ok" });
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
    const [token] = await h.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, t.tokenId));
    expect(token!.lastUsedAt).toBeInstanceOf(Date);

    // The provider refuses the key: the key is marked rejected.
    const refused = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-error-401"), bearer(t.token));
    expect(refused.status).toBe(401);
    await h.logRow(refused.headers.get("cf-aig-log-id") ?? "");
    const [rejected] = await h.db.select().from(providerKeys).where(eq(providerKeys.id, key!.id));
    expect(rejected).toMatchObject({ lastStatus: "rejected" });
  });

  it("leaves stored keys alone when the client sends its own key", async () => {
    const t = await h.seed({ storedKey: false });
    // A client's own key goes to the provider's own base URL, so the provider is a custom one at the fake.
    await addCustomProvider(t, "own", `${h.fake.origin}/own/v1`);
    await addKey(t, { provider: "custom-own" });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("custom-own/m"), {
      authorization: "Bearer sk-client-own-key-0123456789",
      "cf-aig-authorization": `Bearer ${t.token}`,
    });
    expect(res.status).toBe(200);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.providerKeyId).toBeNull();
    const [key] = await h.db.select().from(providerKeys).where(eq(providerKeys.teamId, t.team.id));
    expect(key).toMatchObject({ lastUsedAt: null, lastStatus: null });
  });
});
