import type { DlpAction, DlpFinding } from "@/lib/dlp/types";
import type { GuardrailOutcome } from "@/lib/guardrails/types";
import type { Exchange } from "../exchange";

const STRENGTH: Record<DlpAction, number> = { FLAG: 0, REDACT: 1, BLOCK: 2 };

/** Adds DLP findings to the exchange's (`cf-aig-dlp`, the log): same entries of the same policy and check add up; the strongest action stands. */
export function noteDlpFindings(exchange: Exchange, findings: readonly DlpFinding[]): void {
  if (findings.length === 0) return;
  const outcome = (exchange.dlp ??= { action: findings[0]!.action, findings: [] });
  for (const finding of findings) {
    const same = outcome.findings.find(
      (f) => f.check === finding.check && f.policyId === finding.policyId && f.profileId === finding.profileId && f.entryId === finding.entryId && f.action === finding.action,
    );
    if (same) same.count += finding.count;
    else outcome.findings.push({ ...finding });
    if (STRENGTH[finding.action] > STRENGTH[outcome.action]) outcome.action = finding.action;
  }
}

export function noteGuardrailOutcome(exchange: Exchange, outcome: GuardrailOutcome): void {
  (exchange.guardrails ??= []).push(outcome);
}
