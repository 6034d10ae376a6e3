import { afterAll, beforeAll, expect, it } from "vitest";
import { workersAiSecret } from "@/lib/providers/workers-ai";
import { FAKE_ANTHROPIC_CONTENT, startFakeAnthropic, type FakeAnthropic } from "../fake-providers/anthropic";
import { FAKE_WORKERS_AI_CONTENT, startFakeWorkersAi, type FakeWorkersAi } from "../fake-providers/workers-ai";
import { describeGateway } from "../support/harness";
import { chatBody, chunks, json, postJson, readSse } from "../support/http";
import { addCustomProvider, addKey, type SeededTeam } from "../support/seed";

interface Envelope {
  success: boolean;
  result: unknown[];
  messages: unknown[];
  error: Array<{ code: number; message: string }>;
  name: string;
  httpCode: number;
  internalCode: number;
  message: string;
}

const openAiStep = (model: string, extra: Record<string, unknown> = {}) => ({
  provider: "openai",
  endpoint: "chat/completions",
  query: chatBody(model),
  ...extra,
});

const anthropicStep = (extra: Record<string, unknown> = {}) => ({
  provider: "anthropic",
  endpoint: "v1/messages",
  headers: { "anthropic-version": "2023-06-01" },
  query: { model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "Say hello." }] },
  ...extra,
});

describeGateway("Universal endpoint", (h) => {
  let anthropic: FakeAnthropic;
  let workersAi: FakeWorkersAi;
  beforeAll(async () => {
    [anthropic, workersAi] = await Promise.all([startFakeAnthropic(), startFakeWorkersAi()]);
  });
  afterAll(() => Promise.all([anthropic.close(), workersAi.close()]));

  /** A team with stored OpenAI (the fake) and Anthropic keys; the Universal request carries its gateway token. */
  async function seeded(): Promise<{ t: SeededTeam; anthropicKey: string }> {
    const t = await h.seed();
    const anthropicKey = await addKey(t, { provider: "anthropic", baseUrl: anthropic.origin });
    return { t, anthropicKey };
  }

  const universal = (t: SeededTeam, body: unknown, headers: Record<string, string> = {}) =>
    postJson(t.gatewayUrl, body, { "cf-aig-authorization": `Bearer ${t.token}`, ...headers });

  it("serves one step object as its provider's own answer, with cf-aig-step 0", async () => {
    const { t } = await seeded();
    const res = await universal(t, openAiStep("gpt-4o-mini"));
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("0");
    const body = await json(res);
    expect(body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini" });
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.body).toEqual(chatBody("gpt-4o-mini"));

    const logId = res.headers.get("cf-aig-log-id")!;
    expect(logId).toBe(res.headers.get("cf-aig-request-id"));
    expect(await h.logRow(logId)).toMatchObject({ step: 0, attempt: 1, requestId: logId, provider: "openai", path: "openai/chat/completions", statusCode: 200 });
  });

  it("falls back across providers and formats: OpenAI answers 500, Anthropic answers, and each step has its row", async () => {
    const { t, anthropicKey } = await seeded();
    const res = await universal(t, [openAiStep("fake-error-500"), anthropicStep()]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    expect(await json(res)).toMatchObject({ type: "message", content: [{ type: "text", text: FAKE_ANTHROPIC_CONTENT }] });
    expect(anthropic.requests.filter((r) => r.headers["x-api-key"] === anthropicKey)).toHaveLength(1);

    const requestId = res.headers.get("cf-aig-request-id")!;
    const winner = await h.logRow(res.headers.get("cf-aig-log-id")!);
    const first = await h.logRow(requestId);
    expect(first).toMatchObject({ requestId, step: 0, attempt: 1, provider: "openai", statusCode: 500, success: false, path: "openai/chat/completions" });
    expect(winner).toMatchObject({ requestId, step: 1, attempt: 1, provider: "anthropic", model: "claude-sonnet-4-5", statusCode: 200, success: true, path: "anthropic/v1/messages" });
    expect(winner.tokensIn).toBeGreaterThan(0);
    expect(winner.id).not.toBe(first.id);
    const payload = await h.payload(first.id);
    expect(JSON.parse(payload!.requestBody!)).toEqual(chatBody("fake-error-500"));
  });

  it("streams the winning step as it arrives", async () => {
    const { t } = await seeded();
    const res = await universal(t, [openAiStep("fake-error-503"), openAiStep("gpt-4o-mini", { query: chatBody("gpt-4o-mini", { stream: true }) })]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await readSse(res);
    expect(events.at(-1)).toBe("[DONE]");
    expect(chunks(events).map((c) => (c.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content ?? "").join("")).toBe(h.fake.content);
    const row = await h.logRow(res.headers.get("cf-aig-log-id")!);
    expect(row).toMatchObject({ step: 1, stream: true, statusCode: 200, tokensOut: h.fake.usage.completion_tokens });
  });

  it("falls through a step the gateway refuses (no stored key) to the next", async () => {
    const t = await h.seed();
    const res = await universal(t, [anthropicStep(), openAiStep("gpt-4o-mini")]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    const first = await h.logRow(res.headers.get("cf-aig-request-id")!);
    expect(first).toMatchObject({ step: 0, provider: "anthropic", statusCode: 400, errorMessage: expect.stringContaining("No anthropic key is stored") });
  });

  it("falls through a stored key the provider rejects to the next step", async () => {
    const { t } = await seeded();
    const res = await universal(t, [openAiStep("fake-error-401"), anthropicStep()]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    const first = await h.logRow(res.headers.get("cf-aig-request-id")!);
    expect(first).toMatchObject({ step: 0, statusCode: 401, errorCode: 2009, errorMessage: expect.stringContaining('rejected the stored openai key "default"') });
  });

  it("applies a step's cf-aig-* headers to that step alone", async () => {
    const { t } = await seeded();
    const res = await universal(t, [openAiStep("fake-error-500", { headers: { "cf-aig-collect-log": "false" } }), openAiStep("gpt-4o-mini")], {
      "cf-aig-metadata": '{"from":"request"}',
    });
    expect(res.status).toBe(200);
    const winner = await h.logRow(res.headers.get("cf-aig-log-id")!);
    expect(winner).toMatchObject({ step: 1, metadata: { from: "request" } });
    const rows = (await h.logRows(t.team.id)).filter((r) => r.requestId === res.headers.get("cf-aig-request-id"));
    expect(rows.map((r) => r.step)).toEqual([1]);
  });

  it("puts step headers over the request's, and a step's authorization in the provider's key header", async () => {
    const { t } = await seeded();
    // A custom provider: with the client's own key, a catalog provider is called at its real host.
    await addCustomProvider(t, "inhouse", `${h.fake.origin}/inhouse/v1`);
    const ownKey = `sk-own-${t.team.slug}`;
    const step = {
      provider: "custom-inhouse",
      endpoint: "chat/completions",
      authorization: ownKey,
      headers: { "x-trace": "step", "cf-aig-metadata": '{"from":"step"}' },
      query: chatBody("my-model"),
    };
    const res = await universal(t, [step], { "x-trace": "request", "x-request-only": "kept", "cf-aig-metadata": '{"from":"request"}' });
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(ownKey);
    expect(seen.path).toBe("/inhouse/v1/chat/completions");
    expect(seen.headers["x-trace"]).toBe("step");
    expect(seen.headers["x-request-only"]).toBe("kept");
    expect(JSON.stringify(seen.headers)).not.toContain(t.token);
    const row = await h.logRow(res.headers.get("cf-aig-log-id")!);
    // The client's own key, not a stored one; the step's metadata over the request's.
    expect(row).toMatchObject({ providerKeyId: null, metadata: { from: "step" } });

    // A key in the step's own headers wins over its `authorization`.
    const headerKey = `sk-header-${t.team.slug}`;
    const again = await universal(t, { ...step, headers: { authorization: `Bearer ${headerKey}` } });
    expect(again.status).toBe(200);
    expect(h.upstreamWithKey(headerKey).path).toBe("/inhouse/v1/chat/completions");
  });

  it("gives each step its own config: a step timing out before its first byte falls through", async () => {
    const { t } = await seeded();
    const res = await universal(t, [
      openAiStep("gpt-4o-mini", { headers: { "x-fake-mode": "fake-hang" }, config: { requestTimeout: 200, maxAttempts: 1 } }),
      openAiStep("gpt-4o-mini"),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    const first = await h.logRow(res.headers.get("cf-aig-request-id")!);
    expect(first).toMatchObject({ step: 0, statusCode: 504, success: false });
  });

  it("answers 2005 in Cloudflare's envelope naming every step's failure when all fail, with the last step's status", async () => {
    const { t } = await seeded();
    const res = await universal(t, [openAiStep("fake-error-500"), anthropicStep({ provider: "nosuchprovider" }), openAiStep("fake-error-429")]);
    expect(res.status).toBe(429);
    expect(res.headers.get("cf-aig-step")).toBe("2");
    const body = await json<Envelope>(res);
    expect(body).toMatchObject({ success: false, result: [], messages: [], name: "AiGatewayError", httpCode: 429, internalCode: 2005 });
    expect(body.error).toEqual([{ code: 2005, message: body.message }]);
    expect(body.message).toContain("step 0 (openai): the provider answered HTTP 500");
    expect(body.message).toContain('step 1 (nosuchprovider): Invalid provider: "nosuchprovider"');
    expect(body.message).toContain("step 2 (openai): the provider answered HTTP 429");

    const rows = (await h.logRows(t.team.id)).filter((r) => r.requestId === res.headers.get("cf-aig-request-id"));
    expect(rows.map((r) => [r.step, r.statusCode]).sort()).toEqual([
      [0, 500],
      [1, 400],
      [2, 429],
    ]);
    expect(res.headers.get("cf-aig-log-id")).toBe(rows.find((r) => r.step === 2)?.id);
  });

  it("answers an unknown gateway or team with 2001 (400) and a bad token with 2009 (401), in the envelope", async () => {
    const { t } = await seeded();
    const step = openAiStep("gpt-4o-mini");
    const cases = [
      { url: `${h.url}/v1/${t.team.slug}/nosuchgateway`, token: t.token, status: 400, code: 2001 },
      { url: `${h.url}/v1/nosuchteam-${t.team.slug}/main`, token: t.token, status: 400, code: 2001 },
      { url: t.gatewayUrl, token: "sy_notavalidtoken", status: 401, code: 2009 },
      { url: t.gatewayUrl, token: undefined, status: 401, code: 2009 },
    ];
    for (const c of cases) {
      const res = await postJson(c.url, [step], c.token ? { "cf-aig-authorization": `Bearer ${c.token}` } : {});
      expect(res.status, c.url).toBe(c.status);
      const body = await json<Envelope>(res);
      expect(body).toMatchObject({ success: false, result: [], messages: [], name: "AiGatewayError", httpCode: c.status, internalCode: c.code });
      expect(body.error[0]?.code).toBe(c.code);
    }
  });

  it("refuses malformed requests with 400 in the envelope, naming the step and field", async () => {
    const { t } = await seeded();
    const before = h.fake.requests.length;
    const cases: Array<[unknown, string]> = [
      ["", "the body is empty"],
      ["{not json", "not valid JSON"],
      ["42", "the body is 42"],
      ["[]", "the array is empty"],
      [Array.from({ length: 11 }, () => openAiStep("x")), "at most 10"],
      [[7], "Step 0: must be an object"],
      [[openAiStep("x"), { ...openAiStep("x"), provider: undefined }], 'Step 1: "provider"'],
      [[{ ...openAiStep("x"), provider: "open ai" }], 'Step 0: "provider"'],
      [[{ ...openAiStep("x"), endpoint: 5 }], 'Step 0: "endpoint"'],
      [[{ ...openAiStep("x"), endpoint: "" }], 'Step 0: "endpoint"'],
      [[{ ...openAiStep("x"), endpoint: "chat/completions with space" }], 'Step 0: "endpoint"'],
      [[{ ...openAiStep("x"), query: "hi" }], 'Step 0: "query"'],
      [[{ ...openAiStep("x"), query: undefined }], 'Step 0: "query"'],
      [[{ ...openAiStep("x"), headers: ["a"] }], 'Step 0: "headers"'],
      [[{ ...openAiStep("x"), headers: { "x-a": 1 } }], 'Step 0: "headers": the value of "x-a"'],
      [[{ ...openAiStep("x"), headers: { "bad header": "v" } }], 'Step 0: "headers": "bad header"'],
      [[{ ...openAiStep("x"), headers: { "x-a": "line\nbreak" } }], 'Step 0: "headers": "x-a"'],
      [[{ ...openAiStep("x"), headers: { "cf-aig-max-attempts": "9" } }], "Step 0: \"headers\": Invalid cf-aig-max-attempts header"],
      [[{ ...openAiStep("x"), authorization: 7 }], 'Step 0: "authorization"'],
      [[{ ...openAiStep("x"), config: [] }], 'Step 0: "config"'],
      [[{ ...openAiStep("x"), config: { retries: 2 } }], 'Step 0: "config" has an unknown field "retries"'],
      [[{ ...openAiStep("x"), config: { maxAttempts: 6 } }], '"config.maxAttempts" must be a whole number of attempts from 1 to 5'],
      [[{ ...openAiStep("x"), config: { maxAttempts: "2" } }], '"config.maxAttempts"'],
      [[{ ...openAiStep("x"), config: { retryDelay: 5001 } }], '"config.retryDelay"'],
      [[{ ...openAiStep("x"), config: { requestTimeout: 0 } }], '"config.requestTimeout"'],
      [[{ ...openAiStep("x"), config: { requestTimeout: 1.5 } }], '"config.requestTimeout"'],
      [[{ ...openAiStep("x"), config: { backoff: "random" } }], '"config.backoff"'],
      [[{ ...openAiStep("x"), model: "x" }], 'Step 0: unknown field "model"'],
    ];
    for (const [body, mentions] of cases) {
      const res = await universal(t, body);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const envelope = JSON.parse(text) as Envelope;
      expect(envelope).toMatchObject({ success: false, internalCode: 7003, httpCode: 400 });
      expect(envelope.error[0]?.message).toContain(mentions);
    }
    const get = await fetch(t.gatewayUrl, { headers: { "cf-aig-authorization": `Bearer ${t.token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await json<Envelope>(get)).success).toBe(false);
    expect(h.fake.requests.length, "requests that reached the provider").toBe(before);
  });

  it("serves Cloudflare's own example: a Workers AI model as the endpoint", async () => {
    const { t } = await seeded();
    await addKey(t, { provider: "workers-ai", secret: workersAiSecret(workersAi.accountId, workersAi.apiToken), baseUrl: `${workersAi.origin}/client/v4/accounts/{account_id}/ai` });
    const model = "@cf/meta/llama-3.1-8b-instruct";
    const res = await universal(t, [openAiStep("fake-error-503"), { provider: "workers-ai", endpoint: model, query: { messages: [{ role: "user", content: "Say hello." }] } }]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    expect(await json(res)).toMatchObject({ success: true, result: { response: FAKE_WORKERS_AI_CONTENT } });
    expect(workersAi.requests.at(-1)?.path).toBe(`/client/v4/accounts/${workersAi.accountId}/ai/run/${model}`);
  });

  it("serves compat as a step, the model naming the provider", async () => {
    const { t } = await seeded();
    const res = await universal(t, [{ provider: "compat", endpoint: "chat/completions", query: chatBody("openai/fake-error-500") }, { provider: "compat", endpoint: "chat/completions", query: chatBody("anthropic/claude-sonnet-4-5") }]);
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-step")).toBe("1");
    // Translated into the OpenAI format compat speaks.
    expect(await json(res)).toMatchObject({ object: "chat.completion", choices: [{ message: { content: FAKE_ANTHROPIC_CONTENT } }] });
  });
});
