import { describe, expect, it } from "vitest";
import { compileDlp, withDlpFindings } from "./scanner";
import { dlpSettingsSchema } from "./settings";

const CARD = "4111 1111 1111 1111";
const KEY = "sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4";

const settings = dlpSettingsSchema.parse({
  enabled: true,
  policies: [
    { id: "cards", profiles: ["credit_card"], actions: { REQUEST: "REDACT", RESPONSE: "REDACT" } },
    { id: "audit", profiles: ["credit_card", "email"], action: "FLAG", check: ["REQUEST"] },
    { id: "keys", profiles: ["secrets"], actions: { REQUEST: "BLOCK", RESPONSE: "REDACT" } },
    { id: "codes", profiles: ["internal"], actions: { RESPONSE: "REDACT" } },
  ],
  custom_profiles: [{ id: "internal", patterns: [{ id: "project", regex: "PRJ-[0-9]{4}" }], keywords: [{ id: "names", words: ["phoenix"] }] }],
});

describe("compileDlp", () => {
  it("compiles once per settings object and policy choice", () => {
    expect(compileDlp(settings)).toBe(compileDlp(settings));
    expect(compileDlp(settings, ["keys", "cards"])).toBe(compileDlp(settings, ["cards", "keys"]));
    expect(compileDlp(settings, ["cards"])).not.toBe(compileDlp(settings));
    expect(compileDlp({ ...settings, enabled: false }).scans("REQUEST")).toBe(false);
    expect(compileDlp(settings, ["codes"]).scans("REQUEST")).toBe(false);
    expect(compileDlp(settings, ["codes"]).scans("RESPONSE")).toBe(true);
  });
});

describe("scanText", () => {
  it("redacts REDACT matches, reports every policy's finding with counts, never the text", () => {
    const result = compileDlp(settings).scanText(`pay ${CARD} or ${CARD}, mail a@b.io`, "REQUEST");
    expect(result).toEqual({
      findings: [
        { check: "REQUEST", policyId: "cards", profileId: "credit_card", entryId: "credit_card", action: "REDACT", count: 2 },
        { check: "REQUEST", policyId: "audit", profileId: "credit_card", entryId: "credit_card", action: "FLAG", count: 2 },
        { check: "REQUEST", policyId: "audit", profileId: "email", entryId: "email", action: "FLAG", count: 1 },
      ],
      action: "REDACT",
      redacted: "pay [REDACTED:credit_card] or [REDACTED:credit_card], mail a@b.io",
      blocked: false,
    });
    expect(JSON.stringify(result.findings)).not.toContain("4111");
  });

  it("blocks on a BLOCK policy's match and redacts nothing then", () => {
    expect(compileDlp(settings).scanText(`${CARD} ${KEY}`, "REQUEST")).toMatchObject({ action: "BLOCK", blocked: true, redacted: undefined });
    expect(compileDlp(settings).scanText(`${KEY}`, "RESPONSE")).toMatchObject({ action: "REDACT", blocked: false, redacted: "[REDACTED:secrets.openai_key]" });
  });

  it("merges overlapping matches of several entries into one replacement", () => {
    const text = `code PRJ-1234 is ${KEY}PRJ-9999x phoenix.`;
    expect(compileDlp(settings).scanText(text, "RESPONSE").redacted).toBe("code [REDACTED:project] is [REDACTED:project,secrets.openai_key] [REDACTED:names].");
  });

  it("finds nothing and changes nothing in plain prose", () => {
    expect(compileDlp(settings).scanText("Nothing to see here: 12 apples, 2024-01-15.", "REQUEST")).toEqual({
      findings: [],
      action: undefined,
      redacted: undefined,
      blocked: false,
    });
  });
});

describe("scanJsonStrings", () => {
  it("scans and redacts every content string of a body, leaving identifiers and data URLs alone", () => {
    const body = {
      model: "openai/gpt-4o-mini",
      messages: [
        { role: "user", name: CARD, content: [{ type: "text", text: `card ${CARD}` }, { type: "image_url", image_url: { url: `data:image/png;base64,${CARD}` } }] },
        { role: "tool", tool_call_id: CARD, content: `{"card":"${CARD}"}` },
      ],
      metadata: { note: CARD },
      max_tokens: 10,
    };
    const result = compileDlp(settings, ["cards"]).scanJsonStrings(body, "REQUEST");
    expect(result.findings).toEqual([{ check: "REQUEST", policyId: "cards", profileId: "credit_card", entryId: "credit_card", action: "REDACT", count: 3 }]);
    expect(result.redacted).toEqual({
      ...body,
      messages: [
        { ...body.messages[0], content: [{ type: "text", text: "card [REDACTED:credit_card]" }, body.messages[0]!.content[1]] },
        { ...body.messages[1], content: '{"card":"[REDACTED:credit_card]"}' },
      ],
      metadata: { note: "[REDACTED:credit_card]" },
    });
    expect(body.metadata.note).toBe(CARD);
  });

  it("returns no copy when nothing was redacted", () => {
    expect(compileDlp(settings).scanJsonStrings({ messages: [{ role: "user", content: "mail a@b.io" }] }, "REQUEST")).toMatchObject({
      action: "FLAG",
      redacted: undefined,
      blocked: false,
    });
  });
});

describe("withDlpFindings", () => {
  it("gathers the request's and the response's findings into one outcome with the strongest action", () => {
    const compiled = compileDlp(settings);
    const request = compiled.scanText("mail a@b.io", "REQUEST");
    const response = compiled.scanText(`card ${CARD}`, "RESPONSE");
    const outcome = withDlpFindings(withDlpFindings(undefined, request), response);
    expect(outcome).toEqual({ action: "REDACT", findings: [...request.findings, ...response.findings] });
    expect(withDlpFindings(outcome, compiled.scanText("nothing", "RESPONSE"))).toBe(outcome);
    expect(withDlpFindings(undefined, compiled.scanText("nothing", "RESPONSE"))).toBeUndefined();
  });
});
