import {
  BUILT_IN_SCANNERS,
  compileCustomPattern,
  customPatternScanner,
  keywordScanner,
  type DetectorMatch,
  type EntryScanner,
} from "./detectors";
import {
  BUILT_IN_DETECTORS,
  type BuiltInDetector,
  type DlpAction,
  type DlpCheck,
  type DlpFinding,
  type DlpOutcome,
  type DlpSettings,
} from "./types";

/** What scanning a text found and did. */
export interface DlpScanResult {
  findings: DlpFinding[];
  /** The strongest action among the findings (BLOCK > REDACT > FLAG); undefined when nothing matched. */
  action: DlpAction | undefined;
  /** The text with every REDACT match replaced, when a REDACT policy matched and nothing blocked it. */
  redacted: string | undefined;
  /** A BLOCK policy matched: refuse the text (2029 for a request, 2030 for a response). */
  blocked: boolean;
}

/** What scanning a JSON body's strings found and did. */
export interface DlpJsonScanResult {
  findings: DlpFinding[];
  action: DlpAction | undefined;
  /** A copy of the body with each redacted string replaced, when a REDACT policy matched and nothing blocked it. */
  redacted: unknown;
  blocked: boolean;
}

/** One entry of a profile some selected policy scans a check for, with what those policies do on a match. */
export interface CompiledEntry {
  profileId: string;
  scanner: EntryScanner;
  policies: { policyId: string; action: DlpAction }[];
  /** The strongest of the policies' actions: what happens to a match. */
  action: DlpAction;
}

/** A gateway's DLP settings (and a request's chosen policies) ready to scan with. */
export interface CompiledDlp {
  /** Whether any selected policy scans this check; when not, skip scanning (and streaming filters) altogether. */
  scans(check: DlpCheck): boolean;
  /** Scans a whole text: a request's text, or a complete (not streamed) answer. */
  scanText(text: string, check: DlpCheck): DlpScanResult;
  /**
   * Scans every string in a parsed JSON body (any request format) except the values of keys that
   * name rather than say something (`CONTENT_FREE_KEYS`) and `data:` URLs (inline images and
   * files: Cloudflare scans only raw text, never decoded base64). Keys themselves are not scanned.
   */
  scanJsonStrings(value: unknown, check: DlpCheck): DlpJsonScanResult;
  /** The entries scanned on a check, in a fixed order (for stream.ts). */
  entries(check: DlpCheck): CompiledEntry[];
}

/** Keys whose string values are identifiers, names or enums, not content anyone wrote. */
export const CONTENT_FREE_KEYS = new Set(["model", "role", "type", "id", "tool_call_id", "name", "object", "finish_reason", "stop_reason"]);

const STRENGTH: Record<DlpAction, number> = { FLAG: 1, REDACT: 2, BLOCK: 3 };

/** The stronger of two actions (BLOCK > REDACT > FLAG). */
export function strongerAction(a: DlpAction | undefined, b: DlpAction | undefined): DlpAction | undefined {
  if (!a) return b;
  if (!b) return a;
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

/**
 * The request's DLP outcome (`exchange.dlp`: the cf-aig-dlp header and the log) with one more
 * scan's findings added: the request's and the response's findings go into one outcome, whose
 * action is the strongest taken. Unchanged when the scan found nothing.
 */
export function withDlpFindings(
  outcome: DlpOutcome | undefined,
  scan: { findings: DlpFinding[]; action: DlpAction | undefined },
): DlpOutcome | undefined {
  if (!scan.action) return outcome;
  return { action: strongerAction(outcome?.action, scan.action)!, findings: [...(outcome?.findings ?? []), ...scan.findings] };
}

const compiledBySettings = new WeakMap<DlpSettings, Map<string, CompiledDlp>>();

/**
 * Compiles the settings' enabled policies (or only those of `policyIds`, from selectPolicies) once
 * per settings object: the directory's snapshot keeps the same gateway object, and so the same
 * settings object, until the gateway changes, so the cache lives as long as that snapshot entry.
 * The settings must have passed dlpSettingsSchema (a pattern RE2 refuses throws here).
 */
export function compileDlp(settings: DlpSettings, policyIds?: string[]): CompiledDlp {
  let byPolicies = compiledBySettings.get(settings);
  if (!byPolicies) compiledBySettings.set(settings, (byPolicies = new Map()));
  const key = policyIds ? [...policyIds].sort().join(",") : "*";
  let compiled = byPolicies.get(key);
  if (!compiled) byPolicies.set(key, (compiled = compile(settings, policyIds)));
  return compiled;
}

function compile(settings: DlpSettings, policyIds: string[] | undefined): CompiledDlp {
  const selected = settings.enabled
    ? settings.policies.filter((policy) => policy.enabled && (!policyIds || policyIds.includes(policy.id)))
    : [];
  const scannersByProfile = new Map<string, EntryScanner[]>();
  const scannersOf = (profileId: string): EntryScanner[] => {
    let scanners = scannersByProfile.get(profileId);
    if (!scanners) scannersByProfile.set(profileId, (scanners = profileScanners(settings, profileId)));
    return scanners;
  };
  const byCheck = {} as Record<DlpCheck, CompiledEntry[]>;
  for (const check of ["REQUEST", "RESPONSE"] as const) {
    const entries = new Map<EntryScanner, CompiledEntry>();
    for (const policy of selected) {
      const action = policy.actions[check];
      if (!action) continue;
      for (const profileId of policy.profiles) {
        for (const scanner of scannersOf(profileId)) {
          let entry = entries.get(scanner);
          if (!entry) entries.set(scanner, (entry = { profileId, scanner, policies: [], action }));
          entry.policies.push({ policyId: policy.id, action });
          entry.action = strongerAction(entry.action, action)!;
        }
      }
    }
    byCheck[check] = [...entries.values()];
  }
  return {
    scans: (check) => byCheck[check].length > 0,
    entries: (check) => byCheck[check],
    scanText(text, check) {
      const tally = new FindingTally(check, byCheck[check]);
      const spans: RedactionSpan[] = [];
      for (const entry of byCheck[check]) {
        const matches = entry.scanner.scan(text, 0, false).matches;
        tally.add(entry, matches.length);
        if (entry.action === "REDACT") spans.push(...matches.map((match) => ({ ...match, entryId: entry.scanner.entryId })));
      }
      const blocked = tally.action === "BLOCK";
      return {
        findings: tally.findings(),
        action: tally.action,
        redacted: !blocked && spans.length > 0 ? redact(text, 0, spans) : undefined,
        blocked,
      };
    },
    scanJsonStrings(value, check) {
      const tally = new FindingTally(check, byCheck[check]);
      let changed = false;
      const walk = (node: unknown): unknown => {
        if (typeof node === "string") {
          if (isDataUrl(node)) return node;
          const spans: RedactionSpan[] = [];
          for (const entry of byCheck[check]) {
            const matches = entry.scanner.scan(node, 0, false).matches;
            tally.add(entry, matches.length);
            if (entry.action === "REDACT") spans.push(...matches.map((match) => ({ ...match, entryId: entry.scanner.entryId })));
          }
          if (spans.length === 0) return node;
          changed = true;
          return redact(node, 0, spans);
        }
        if (Array.isArray(node)) return node.map(walk);
        if (node !== null && typeof node === "object") {
          return Object.fromEntries(
            Object.entries(node).map(([key, child]) => [key, CONTENT_FREE_KEYS.has(key) && typeof child === "string" ? child : walk(child)]),
          );
        }
        return node;
      };
      const copy = byCheck[check].length > 0 ? walk(value) : value;
      const blocked = tally.action === "BLOCK";
      return { findings: tally.findings(), action: tally.action, redacted: !blocked && changed ? copy : undefined, blocked };
    },
  };
}

function isDataUrl(text: string): boolean {
  return text.startsWith("data:") && text.slice(0, 200).includes(";base64,");
}

function profileScanners(settings: DlpSettings, profileId: string): EntryScanner[] {
  if ((BUILT_IN_DETECTORS as readonly string[]).includes(profileId)) return BUILT_IN_SCANNERS[profileId as BuiltInDetector];
  const profile = settings.customProfiles.find((each) => each.id === profileId);
  if (!profile) throw new Error(`DLP policy names profile "${profileId}", which the settings do not define`);
  return [
    ...profile.patterns.map((pattern) => {
      const compiled = compileCustomPattern(pattern.regex);
      if (!compiled.ok) throw new Error(`DLP pattern ${profile.id}/${pattern.id}: ${compiled.problem}`);
      return customPatternScanner(pattern.id, compiled);
    }),
    ...profile.keywords.map((list) => keywordScanner(list.id, list.words, list.caseSensitive ?? false)),
  ];
}

/** Counts matches per entry and policy into findings, and the strongest action taken. */
export class FindingTally {
  private readonly counts = new Map<CompiledEntry, number>();
  action: DlpAction | undefined;

  /** `entries` fixes the findings' order, whatever order matches were counted in. */
  constructor(
    private readonly check: DlpCheck,
    private readonly entries: CompiledEntry[],
  ) {}

  add(entry: CompiledEntry, count: number): void {
    if (count === 0) return;
    this.counts.set(entry, (this.counts.get(entry) ?? 0) + count);
    this.action = strongerAction(this.action, entry.action);
  }

  findings(): DlpFinding[] {
    return this.entries.flatMap((entry) => {
      const count = this.counts.get(entry);
      if (count === undefined) return [];
      return entry.policies.map((policy) => ({
        check: this.check,
        policyId: policy.policyId,
        profileId: entry.profileId,
        entryId: entry.scanner.entryId,
        action: policy.action,
        count,
      }));
    });
  }
}

/** A match to replace, with the entry it matched (named in the replacement). */
export interface RedactionSpan extends DetectorMatch {
  entryId: string;
}

/**
 * Replaces each match of `spans` (offsets relative to `offset` in the text `text` starts at) with
 * `[REDACTED:<entry ids>]`; overlapping matches merge into one. The replacement says what was
 * there but not how long it was.
 */
export function redact(text: string, offset: number, spans: RedactionSpan[]): string {
  let out = "";
  let at = 0;
  for (const span of mergeSpans(spans)) {
    out += text.slice(at, span.start - offset) + `[REDACTED:${span.entryIds.join(",")}]`;
    at = span.end - offset;
  }
  return out + text.slice(at);
}

/** Overlapping spans as one, in order, each naming its entries (sorted, once each). */
export function mergeSpans(spans: RedactionSpan[]): { start: number; end: number; entryIds: string[] }[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: { start: number; end: number; entryIds: Set<string> }[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.entryIds.add(span.entryId);
    } else merged.push({ start: span.start, end: span.end, entryIds: new Set([span.entryId]) });
  }
  return merged.map((span) => ({ start: span.start, end: span.end, entryIds: [...span.entryIds].sort() }));
}
