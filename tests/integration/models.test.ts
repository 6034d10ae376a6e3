import { expect, it } from "vitest";
import { catalogModels } from "@/lib/pricing/cost";
import { describeGateway } from "../support/harness";
import { bearer, json } from "../support/http";
import { addCustomProvider, addKey } from "../support/seed";

interface ModelList {
  object: string;
  data: Array<{ id: string; object: string; owned_by: string; type?: string }>;
}

describeGateway("model listing", (h) => {
  it("lists every catalog model of every provider with a key, on compat and /ai/v1, embedding models marked", async () => {
    const t = await h.seed();
    await addKey(t, { provider: "anthropic", baseUrl: h.fake.baseUrl });
    await addKey(t, { provider: "google-ai-studio", baseUrl: h.fake.baseUrl });

    const compat = await fetch(`${t.gatewayUrl}/compat/models`, { headers: bearer(t.token) });
    expect(compat.status).toBe(200);
    const listed = await json<ModelList>(compat);
    const rest = await fetch(`${h.url}/ai/v1/models`, { headers: { authorization: `Bearer ${t.token}`, "cf-aig-gateway-id": "main" } });
    expect(rest.status).toBe(200);
    expect(await json<ModelList>(rest)).toEqual(listed);

    const ids = new Set(listed.data.map((m) => m.id));
    for (const provider of ["openai", "anthropic", "google-ai-studio"]) {
      for (const model of catalogModels(provider)) expect(ids.has(`${provider}/${model.id}`), `${provider}/${model.id}`).toBe(true);
    }
    expect(listed.data.some((m) => m.id.startsWith("groq/"))).toBe(false);
    expect(listed.data.find((m) => m.id === "google-ai-studio/gemini-embedding-001")).toMatchObject({ type: "embedding", owned_by: "google-ai-studio" });
    expect(listed.data.find((m) => m.id === "anthropic/claude-sonnet-4-5")).toMatchObject({ type: "chat", object: "model" });
  });

  it("lists what a custom (self-hosted) provider reports at its /models, asked with the stored key; the bare provider when it cannot say", async () => {
    const t = await h.seed({ storedKey: false });
    await addCustomProvider(t, "selfhosted", `${h.fake.origin}/selfhosted/v1`);
    const key = await addKey(t, { provider: "custom-selfhosted", baseUrl: `${h.fake.origin}/selfhosted/v1` });
    await addCustomProvider(t, "silent", `${h.fake.origin}/nothing-here`);
    await addKey(t, { provider: "custom-silent", baseUrl: "http://127.0.0.1:9/v1" });
    const listed = await json<ModelList>(await fetch(`${t.gatewayUrl}/compat/models`, { headers: bearer(t.token) }));
    expect(listed.data).toEqual([
      { id: "custom-selfhosted/gpt-4o-mini", object: "model", owned_by: "custom-selfhosted", type: "chat" },
      { id: "custom-selfhosted/gpt-4o", object: "model", owned_by: "custom-selfhosted", type: "chat" },
      { id: "custom-selfhosted/text-embedding-3-small", object: "model", owned_by: "custom-selfhosted", type: "embedding" },
      { id: "custom-silent", object: "model", owned_by: "custom-silent" },
    ]);
    const asked = h.upstreamWithKey(key);
    expect([asked.method, asked.path]).toEqual(["GET", "/selfhosted/v1/models"]);
  });

  it("lists nothing without a token, since stored keys need one", async () => {
    const t = await h.seed({ settings: { authentication: false } });
    const res = await fetch(`${t.gatewayUrl}/compat/models`);
    expect(res.status).toBe(200);
    expect((await json<ModelList>(res)).data).toEqual([]);
  });

  it("answers another method with 405", async () => {
    const t = await h.seed();
    const res = await fetch(`${h.url}/ai/v1/models`, { method: "POST", headers: bearer(t.token) });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });
});
