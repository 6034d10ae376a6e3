import { describe, expect, it } from "vitest";
import type { DlpFinding } from "@/lib/dlp/types";
import { startExchange } from "../exchange";
import { noteDlpFindings } from "./outcomes";

const exchange = () =>
  startExchange({ method: "POST", path: "/v1/t/g/compat/chat/completions", query: "", headers: new Headers(), signal: new AbortController().signal, readBody: () => Promise.resolve(undefined) });

const finding = (over: Partial<DlpFinding>): DlpFinding => ({ check: "REQUEST", policyId: "pii", profileId: "credit_card", entryId: "credit_card", action: "FLAG", count: 1, ...over });

describe("noteDlpFindings", () => {
  it("adds up the same entry's matches and keeps the strongest action, whatever came first", () => {
    const e = exchange();
    noteDlpFindings(e, []);
    expect(e.dlp).toBeUndefined();
    noteDlpFindings(e, [finding({ action: "REDACT" })]);
    noteDlpFindings(e, [finding({ action: "REDACT", count: 2 }), finding({ check: "RESPONSE", action: "FLAG" })]);
    expect(e.dlp).toEqual({ action: "REDACT", findings: [finding({ action: "REDACT", count: 3 }), finding({ check: "RESPONSE", action: "FLAG" })] });
    noteDlpFindings(e, [finding({ policyId: "no-cards", action: "BLOCK" })]);
    expect(e.dlp?.action).toBe("BLOCK");
  });
});
