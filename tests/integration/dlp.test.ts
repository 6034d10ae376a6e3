import { afterEach, expect, it } from "vitest";
import type { DlpPolicy, DlpSettings } from "@/lib/dlp/types";
import { FAKE_DEFAULT_CONTENT } from "../fake-providers/openai";
import { expectGatewayError } from "../support/errors";
import { describeGateway } from "../support/harness";
import { bearer, chatBody, json, postJson, SseReader } from "../support/http";
import { setGateway } from "../support/limits";
import type { SeededTeam } from "../support/seed";
import { settlesWithin } from "../support/wait";

/** A test card number (Visa's, passes Luhn). */
const CARD = "4111 1111 1111 1111";
/** Any run of two or more of its digits. */
const CARD_DIGITS = /\d{2,}/;

type Chunk = { choices?: Array<{ delta?: { content?: string } }> };

function policy(id: string, actions: DlpPolicy["actions"], profiles = ["credit_card"]): DlpPolicy {
  return { id, enabled: true, profiles, actions };
}

describeGateway("DLP", (h) => {
  afterEach(() => {
    h.fake.content = FAKE_DEFAULT_CONTENT;
  });

  async function protectedTeam(policies: DlpPolicy[], headerSelectsPolicies = false): Promise<SeededTeam> {
    const t = await h.seed();
    const dlp: DlpSettings = { enabled: true, policies, customProfiles: [], headerSelectsPolicies };
    await setGateway(h.db, t, { dlp });
    return t;
  }

  const ask = (t: SeededTeam, content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/gpt-4o-mini", { messages: [{ role: "user", content }], ...extra }), { ...bearer(t.token), ...headers });

  it("redacts a card number split across chunks of a stream, without delaying the first chunk", async () => {
    const t = await protectedTeam([policy("pii", { RESPONSE: "REDACT" })]);
    h.fake.content = `Noted: your card ${CARD} is on file.`;
    // fake-gated sends the role event and the first word, then holds the rest until released.
    const res = await postJson(`${t.gatewayUrl}/compat/chat/completions`, chatBody("openai/fake-gated", { stream: true }), bearer(t.token));
    expect(res.status).toBe(200);
    expect(res.headers.get("cf-aig-dlp")).toBeNull();
    const reader = new SseReader(res);
    let first = "";
    while (first === "") {
      const data = await reader.next();
      if (data === undefined) throw new Error("the stream ended before its first word");
      first = (JSON.parse(data) as Chunk).choices?.[0]?.delta?.content ?? "";
    }
    // The first word reached the client while the provider still held the rest back.
    expect(first).toBe("Noted: ");
    const upstream = h.fake.streams.find((s) => s.request.headers.authorization === `Bearer ${t.providerKey}`)!;
    expect(upstream.finished).toBe(false);
    upstream.release();
    const rest = await settlesWithin(reader.rest(), 10_000, "the stream did not end");
    // Every event the reader read, the first word's included.
    const text = reader.events
      .filter((data) => data !== "[DONE]")
      .map((data) => (JSON.parse(data) as Chunk).choices?.[0]?.delta?.content ?? "")
      .join("");
    expect(text).toBe("Noted: your card [REDACTED:credit_card] is on file.");
    expect(text).not.toMatch(CARD_DIGITS);
    expect(rest.at(-1)).toBe("[DONE]");

    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.dlp).toEqual({ action: "REDACT", findings: [{ check: "RESPONSE", policyId: "pii", profileId: "credit_card", entryId: "credit_card", action: "REDACT", count: 1 }] });
    const payload = await h.payload(row.id);
    expect(payload?.responseBody).not.toMatch(/1111/);
  });

  it("sends the provider the redacted request, logs it redacted, and says so in cf-aig-dlp", async () => {
    const t = await protectedTeam([policy("pii", { REQUEST: "REDACT" })]);
    const res = await ask(t, `Charge ${CARD} please`);
    expect(res.status).toBe(200);
    const seen = h.upstreamWithKey(t.providerKey);
    expect(seen.body?.messages).toEqual([{ role: "user", content: "Charge [REDACTED:credit_card] please" }]);
    expect(JSON.parse(res.headers.get("cf-aig-dlp") ?? "null")).toEqual({
      findings: [{ profile: { context: {}, entry_ids: ["credit_card"], profile_id: "credit_card" }, policy_ids: ["pii"], check: "REQUEST" }],
      action: "REDACT",
    });
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row.dlp).toMatchObject({ action: "REDACT", findings: [{ check: "REQUEST", entryId: "credit_card", count: 1 }] });
    const payload = await h.payload(row.id);
    expect(payload?.requestBody).toContain("[REDACTED:credit_card]");
    expect(payload?.requestBody).not.toMatch(/1111/);
  });

  it("refuses a request a BLOCK policy matches with 400/2029, before the provider is called", async () => {
    const t = await protectedTeam([policy("no-cards", { REQUEST: "BLOCK" })]);
    const res = await ask(t, `My card is ${CARD}`);
    const error = await expectGatewayError(res, 400, 2029);
    expect(error.error.message).toBe("Request content blocked due to DLP policy violations");
    expect(JSON.parse(res.headers.get("cf-aig-dlp") ?? "null")).toMatchObject({ action: "BLOCK", findings: [{ check: "REQUEST", policy_ids: ["no-cards"] }] });
    expect(h.fake.requests.some((r) => r.headers.authorization === `Bearer ${t.providerKey}`)).toBe(false);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 400, errorCode: 2029, dlp: { action: "BLOCK" } });
  });

  it("refuses a whole answer a BLOCK policy matches with 400/2030, and flags without changing what FLAG policies match", async () => {
    const t = await protectedTeam([policy("no-cards", { RESPONSE: "BLOCK" }), policy("emails", { RESPONSE: "FLAG" }, ["email"])]);
    h.fake.content = `Your card ${CARD} is on file.`;
    const blocked = await ask(t, "What is on file?");
    await expectGatewayError(blocked, 400, 2030);
    expect(JSON.parse(blocked.headers.get("cf-aig-dlp") ?? "null")).toMatchObject({ action: "BLOCK", findings: [{ check: "RESPONSE" }] });
    const row = await h.logRow(blocked.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 400, errorCode: 2030, tokensOut: h.fake.usage.completion_tokens });

    h.fake.content = "Write to alice@example.com.";
    const flagged = await ask(t, "Who do I write to?");
    expect(flagged.status).toBe(200);
    expect((await json<{ choices: [{ message: { content: string } }] }>(flagged)).choices[0].message.content).toBe("Write to alice@example.com.");
    expect(JSON.parse(flagged.headers.get("cf-aig-dlp") ?? "null")).toMatchObject({ action: "FLAG", findings: [{ check: "RESPONSE", policy_ids: ["emails"] }] });
  });

  it("cuts a stream off with 2030 when a BLOCK policy matches mid-stream, the match never sent", async () => {
    const t = await protectedTeam([policy("no-cards", { RESPONSE: "BLOCK" })]);
    h.fake.content = `Your card ${CARD} is on file.`;
    const res = await ask(t, "What is on file?", { stream: true });
    expect(res.status).toBe(200);
    const events = await settlesWithin(new SseReader(res).rest(), 10_000, "the stream did not end");
    const last = JSON.parse(events.at(-1)!) as { error?: { message: string; code: string } };
    expect(last.error).toMatchObject({ message: "Response content blocked due to DLP policy violations", code: "dlp_response_blocked" });
    expect(events.join("")).not.toMatch(/1111/);
    const row = await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
    expect(row).toMatchObject({ statusCode: 400, success: false, dlp: { action: "BLOCK" } });
  });

  it("lets cf-aig-dlp-policies choose among the gateway's policies when its setting allows, and names an unknown one", async () => {
    const t = await protectedTeam([policy("no-cards", { REQUEST: "BLOCK" }), policy("emails", { REQUEST: "FLAG" }, ["email"])], true);
    const chosen = await ask(t, `Card ${CARD}, mail bob@example.com`, {}, { "cf-aig-dlp-policies": "emails" });
    expect(chosen.status).toBe(200);
    expect(JSON.parse(chosen.headers.get("cf-aig-dlp") ?? "null")).toMatchObject({ action: "FLAG", findings: [{ policy_ids: ["emails"] }] });

    const all = await ask(t, `Card ${CARD}`);
    await expectGatewayError(all, 400, 2029);

    const unknown = await ask(t, "Hello", {}, { "cf-aig-dlp-policies": "emails,nope" });
    const error = await expectGatewayError(unknown, 400);
    expect(error.error.message).toContain('"nope"');
  });
});
