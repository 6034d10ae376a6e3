import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { GuardrailSettings } from "@/lib/guardrails/types";
import { FAKE_DEFAULT_CONTENT } from "../fake-providers/openai";
import { startFakeLlamaGuard, type FakeLlamaGuard } from "../fake-providers/llama-guard";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, postJson } from "../support/http";
import { setGateway } from "../support/limits";
import { addKey, type SeededTeam } from "../support/seed";
import { settlesWithin } from "../support/wait";

const EVALUATOR = { kind: "llama-guard", model: "groq/meta-llama/llama-guard-4-12b" } as const;
/** One word (the fake streams word by word) longer than a stream's guardrail window (2,000 characters), so that it alone is judged. */
const LONG_HARM = `kill-${"x".repeat(2_100)} `;

describeGateway("guardrails", (h) => {
  let guard: FakeLlamaGuard;
  beforeAll(async () => {
    guard = await startFakeLlamaGuard();
  });
  afterAll(() => guard.close());
  afterEach(() => {
    guard.failWith = undefined;
    h.fake.content = FAKE_DEFAULT_CONTENT;
  });

  /** A team whose gateway has `rules` (the evaluator a Llama Guard on "groq", at the fake, with the team's stored key). */
  async function guarded(rules: Partial<Pick<GuardrailSettings, "prompt" | "response">>): Promise<{ t: SeededTeam; guardKey: string }> {
    const t = await h.seed();
    const guardKey = await addKey(t, { provider: "groq", baseUrl: guard.baseUrl });
    await setGateway(h.db, t, { guardrails: { prompt: {}, response: {}, evaluator: EVALUATOR, ...rules } });
    return { t, guardKey };
  }

  const evaluations = (key: string) => guard.requests.filter((r) => r.headers.authorization === `Bearer ${key}`);
  const calledProvider = (t: SeededTeam) => h.fake.requests.some((r) => r.headers.authorization === `Bearer ${t.providerKey}`);

  it("blocks a harmful prompt with 424/2016 before the provider is called, and logs the evaluation linked to the request", async () => {
    const { t, guardKey } = await guarded({ prompt: { S1: "BLOCK", S10: "FLAG" } });
    const body = chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "How do I kill the process?" }] });
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, body, bearer(t.token));
    const error = await expectGatewayError(res, 424, 2016);
    expect(error.error.message).toContain("S1");
    expect(calledProvider(t)).toBe(false);
    expect(evaluations(guardKey).map((r) => r.judged)).toEqual([{ role: "user", text: "How do I kill the process?" }]);

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 424, errorCode: 2016, parentRequestId: null });
    expect(row.guardrails).toEqual([{ check: "prompt", categories: ["S1"], action: "BLOCK", evaluationLogId: expect.any(String) as string }]);
    const evaluation = await h.logRow(row.guardrails![0]!.evaluationLogId!);
    expect(evaluation).toMatchObject({ parentRequestId: row.requestId, provider: "groq", model: "meta-llama/llama-guard-4-12b", statusCode: 200, guardrails: null });
    expect(evaluation.costMicros).toBeGreaterThan(0);
  });

  it("evaluates with OpenAI's moderation endpoint through passthrough, with the team's stored OpenAI key", async () => {
    const t = await h.seed();
    await setGateway(h.db, t, { guardrails: { prompt: { S1: "BLOCK" }, response: {}, evaluator: { kind: "openai-moderation" } } });
    const res = await postJson(
      `${t.gatewayUrl}/compat/chat/completions`,
      chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "I will kill it." }] }),
      bearer(t.token),
    );
    await expectGatewayError(res, 424, 2016);
    const moderation = h.upstream((r) => r.path.endsWith("/moderations") && r.headers.authorization === `Bearer ${t.providerKey}`);
    expect(moderation.body).toEqual({ model: "omni-moderation-latest", input: "I will kill it." });
    expect(h.fake.requests.some((r) => r.path.endsWith("chat/completions") && r.headers.authorization === `Bearer ${t.providerKey}`)).toBe(false);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    const evaluation = await h.logRow(row.guardrails![0]!.evaluationLogId!);
    expect(evaluation).toMatchObject({ parentRequestId: row.requestId, provider: "openai", statusCode: 200 });
  });

  it("lets a safe prompt through, and a prompt that only FLAG rules name", async () => {
    const { t } = await guarded({ prompt: { S1: "FLAG", S9: "BLOCK" } });
    const safe = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    expect(safe.status).toBe(200);
    const flagged = await postJson(
      `${t.gatewayUrl}/compat/chat/completions`,
      chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content: "Why do people kill time?" }] }),
      bearer(t.token),
    );
    expect(flagged.status).toBe(200);
    const row = await h.logRow(flagged.headers.get("cf-aig-log-id") ?? "");
    expect(row.guardrails).toMatchObject([{ check: "prompt", categories: ["S1"], action: "FLAG" }]);
  });

  it("answers 503/7013 when the evaluator fails while a BLOCK rule applies, and goes on when only FLAG rules do", async () => {
    guard.failWith = 503;
    const blocking = await guarded({ prompt: { S1: "BLOCK" } });
    const refused = await postJson(`${blocking.t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(blocking.t.token));
    const error = await expectGatewayError(refused, 503, 7013);
    expect(error.error.message).toContain("503");
    expect(calledProvider(blocking.t)).toBe(false);

    const flagging = await guarded({ prompt: { S1: "FLAG" } });
    const answered = await postJson(`${flagging.t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(flagging.t.token));
    expect(answered.status).toBe(200);
    const row = await h.logRow(answered.headers.get("cf-aig-log-id") ?? "");
    expect(row.guardrails).toMatchObject([{ check: "prompt", categories: [], action: "NONE", error: expect.stringContaining("503") as string }]);
  });

  it("blocks a whole response with 424/2017 and keeps its usage in the log", async () => {
    const { t } = await guarded({ response: { S2: "BLOCK" } });
    h.fake.content = "Here is how to steal a car.";
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini"), bearer(t.token));
    await expectGatewayError(res, 424, 2017);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 424, errorCode: 2017, tokensOut: h.fake.usage.completion_tokens });
    expect(row.guardrails).toMatchObject([{ check: "response", categories: ["S2"], action: "BLOCK" }]);
  });

  it("cuts a stream off mid-way when a response window trips a BLOCK rule: the openai SDK raises the final error event", async () => {
    const { t } = await guarded({ response: { S1: "BLOCK" } });
    h.fake.content = `${LONG_HARM}and the rest, which the client never sees.`;
    const client = new OpenAI({ baseURL: `${t.gatewayUrl}/compat`, apiKey: t.token, maxRetries: 0 });
    // fake-gated holds the provider's stream after its first word: the cut comes while it waits.
    const stream = await client.chat.completions.create({ model: "openai/fake-gated", messages: [{ role: "user", content: "Say it." }], stream: true });
    let text = "";
    const error = await settlesWithin(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      })().then(
        () => undefined,
        (e: unknown) => e,
      ),
      10_000,
      "the stream was not cut off",
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain("Response blocked by guardrails: S1");
    expect(text).toBe(LONG_HARM);
    const upstream = h.fake.streams.find((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`)!;
    expect(await settlesWithin(upstream.ended, 10_000, "the provider's stream was not let go")).toBe("client-closed");
    const [row] = (await h.logRows(t.team.id)).filter((r) => r.parentRequestId === null);
    expect(row).toMatchObject({ statusCode: 424, success: false, stream: true });
    expect(row!.errorMessage).toContain("Response blocked by guardrails");
    expect(row!.guardrails).toMatchObject([{ check: "response", categories: ["S1"], action: "BLOCK", throughChar: 2_000 }]);
  });

  it("cuts an Anthropic-format stream off with Anthropic's error event, which the Anthropic SDK raises", async () => {
    const { t } = await guarded({ response: { S1: "BLOCK" } });
    h.fake.content = `${LONG_HARM}and the rest.`;
    const client = new Anthropic({ baseURL: `${h.url}/ai`, apiKey: t.token, maxRetries: 0, defaultHeaders: { "cf-aig-gateway-id": t.gateway.slug } });
    const stream = client.messages.stream({ model: "openai/fake-gated", max_tokens: 100, messages: [{ role: "user", content: "Say it." }] });
    const error = await settlesWithin(stream.finalMessage().then(() => undefined, (e: unknown) => e), 10_000, "the stream was not cut off");
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as Error).message).toContain("Response blocked by guardrails");
  });

  it("judges the last window before the stream ends, and the evaluations are rows of their own", async () => {
    const { t, guardKey } = await guarded({ response: { S1: "BLOCK", S2: "FLAG" } });
    h.fake.content = "They steal the show.";
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", { stream: true }), bearer(t.token));
    const text = await res.text();
    expect(text).toContain("[DONE]");
    expect(evaluations(guardKey)).toHaveLength(1);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 200 });
    expect(row.guardrails).toMatchObject([{ check: "response", categories: ["S2"], action: "FLAG" }]);
    const children = (await h.logRows(t.team.id)).filter((r) => r.parentRequestId === row.requestId);
    expect(children.map((r) => r.id)).toEqual([row.guardrails![0]!.evaluationLogId]);
  });
});

