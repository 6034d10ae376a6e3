import { expect, it } from "vitest";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson } from "../support/http";
import { addCustomProvider, addKey } from "../support/seed";

describeGateway("compat endpoint", (h) => {
  it("sends {provider}/{model} to the provider with the bare model and the stored key", async () => {
    const t = await h.seed();
    const body = chatBody("openai/gpt-4o-mini", { temperature: 0.2, max_tokens: 50, user: "u-1" });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, body, bearer(t.token));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const completion = await json(res);
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: h.fake.content }, finish_reason: "stop" }],
      usage: { prompt_tokens: h.fake.usage.prompt_tokens, completion_tokens: h.fake.usage.completion_tokens },
    });

    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.method).toBe("POST");
    expect(seen.path).toBe("/v1/chat/completions");
    // Everything but the model's provider prefix reaches the provider as the client sent it.
    expect(seen.body).toEqual({ ...body, model: "gpt-4o-mini" });
  });

  it("reaches other OpenAI-compatible providers through their own stored key", async () => {
    const t = await h.seed({ storedKey: false });
    const groqKey = await addKey(t, { provider: "groq", baseUrl: h.fake.baseUrl });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("groq/llama-3.3-70b-versatile"), bearer(t.token));
    expect(res.status).toBe(200);
    expect((await json(res)).model).toBe("llama-3.3-70b-versatile");
    const seen = h.upstreamWithKey(groqKey);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body?.model).toBe("llama-3.3-70b-versatile");
  });

  it("keeps the rest of a model id that itself contains slashes", async () => {
    const t = await h.seed({ storedKey: false });
    const key = await addKey(t, { provider: "openrouter", baseUrl: h.fake.baseUrl });
    const res = await postJson(
      `${t.gatewayUrl}/compat/chat/completions`,
      chatBody("openrouter/meta-llama/llama-3.1-8b-instruct"),
      bearer(t.token),
    );
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(key);
    expect(seen.body?.model).toBe("meta-llama/llama-3.1-8b-instruct");
  });

  it("serves custom-{slug}/{model} from the custom provider's base URL", async () => {
    const t = await h.seed({ storedKey: false });
    await addCustomProvider(t, "inhouse", `${h.fake.origin}/inhouse/v1`);
    const key = await addKey(t, { provider: "custom-inhouse", baseUrl: `${h.fake.origin}/inhouse/v1` });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("custom-inhouse/my-model"), bearer(t.token));
    expect(res.status).toBe(200);
    expect((await json(res)).model).toBe("my-model");
    const seen = h.upstreamWithKey(key);
    expect(seen.path).toBe("/inhouse/v1/chat/completions");
    expect(seen.body?.model).toBe("my-model");
  });

  it("uses the custom provider's own base URL when its key has none", async () => {
    const t = await h.seed({ storedKey: false });
    await addCustomProvider(t, "selfhosted", `${h.fake.origin}/selfhosted/v1`);
    const key = `sk-custom-${t.team.slug}`;
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("custom-selfhosted/llama"), {
      "cf-aig-authorization": `Bearer ${t.token}`,
      authorization: `Bearer ${key}`,
    });
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(key);
    expect(seen.path).toBe("/selfhosted/v1/chat/completions");
    expect(seen.body?.model).toBe("llama");
  });

  it("lists the models the gateway can reach as {provider}/{model}", async () => {
    const t = await h.seed();
    const res = await fetch(`${t.gatewayUrl}/compat/models`, { headers: bearer(t.token) });
    expect(res.status).toBe(200);
    const list = await json<{ object: string; data: Array<{ id: string; object: string }> }>(res);
    expect(list.object).toBe("list");
    expect(list.data.length).toBeGreaterThan(0);
    for (const model of list.data) expect(model.id).toMatch(/^[a-z0-9-]+\/.+/);
    expect(list.data.some((m) => m.id.startsWith("openai/"))).toBe(true);
  });
});
