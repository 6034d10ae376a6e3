import type { DlpOutcome } from "./types";

/**
 * Cloudflare's `cf-aig-dlp` response header (reference §8.2): one finding per profile and check,
 * naming the entries and policies that matched, and the action taken. Never the matched text.
 */
export function dlpHeader(outcome: DlpOutcome): string {
  const byProfile = new Map<string, { profile_id: string; entry_ids: Set<string>; policy_ids: Set<string>; check: string }>();
  for (const finding of outcome.findings) {
    const key = `${finding.check}\u0000${finding.profileId}`;
    let entry = byProfile.get(key);
    if (!entry) byProfile.set(key, (entry = { profile_id: finding.profileId, entry_ids: new Set(), policy_ids: new Set(), check: finding.check }));
    entry.entry_ids.add(finding.entryId);
    entry.policy_ids.add(finding.policyId);
  }
  const findings = [...byProfile.values()].map((entry) => ({
    profile: { context: {}, entry_ids: [...entry.entry_ids], profile_id: entry.profile_id },
    policy_ids: [...entry.policy_ids],
    check: entry.check,
  }));
  return JSON.stringify({ findings, action: outcome.action });
}
