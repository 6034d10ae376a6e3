/** FLAG lets the text through and reports it; BLOCK refuses it (2029 / 2030); REDACT replaces each match, which Cloudflare cannot. */
export type DlpAction = "FLAG" | "BLOCK" | "REDACT";

/** Cloudflare's names for what is scanned: the client's request, or the provider's response. */
export type DlpCheck = "REQUEST" | "RESPONSE";

/** The detectors Switchyard ships; each is also a profile of its own id. */
export const BUILT_IN_DETECTORS = ["credit_card", "iban", "us_ssn", "email", "phone", "secrets"] as const;

export type BuiltInDetector = (typeof BUILT_IN_DETECTORS)[number];

/** A team's own profile: regular expressions (run by RE2, so none can backtrack) and keyword lists. */
export interface DlpCustomProfile {
  id: string;
  name: string;
  patterns: { id: string; regex: string }[];
  keywords: { id: string; words: string[]; caseSensitive?: boolean }[];
}

/** One policy: which profiles it scans for, and what it does on each check it applies to (a check absent is not scanned). */
export interface DlpPolicy {
  id: string;
  enabled: boolean;
  /** Built-in detector ids and custom profile ids. */
  profiles: string[];
  actions: Partial<Record<DlpCheck, DlpAction>>;
}

/**
 * The gateway's `dlp` setting, normalized. Cloudflare's two accepted shapes (`{enabled, action,
 * profiles}` and `{enabled, policies: [{id, enabled, action, check, profiles}]}`) both read into
 * it; `actions` per check and the custom profiles are Switchyard's.
 */
export interface DlpSettings {
  enabled: boolean;
  policies: DlpPolicy[];
  customProfiles: DlpCustomProfile[];
  /** A request's `cf-aig-dlp-policies` header (policy ids, comma-separated) may choose which of the policies apply to it. */
  headerSelectsPolicies: boolean;
}

/** What matched, never the matched text itself. */
export interface DlpFinding {
  check: DlpCheck;
  policyId: string;
  /** The built-in detector id, or the custom profile's id. */
  profileId: string;
  /** The detector (`credit_card`, `secrets.aws_access_key`) or the custom pattern or keyword list. */
  entryId: string;
  action: DlpAction;
  /** Matches of this entry. */
  count: number;
}

/** The request's DLP result: its findings and the strongest action taken (BLOCK > REDACT > FLAG). */
export interface DlpOutcome {
  action: DlpAction;
  findings: DlpFinding[];
}
