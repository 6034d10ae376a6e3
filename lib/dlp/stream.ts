import { FindingTally, mergeSpans, redact, type CompiledDlp, type RedactionSpan } from "./scanner";
import type { DlpAction, DlpCheck, DlpFinding } from "./types";

/** A text stream's DLP filter: push text as it arrives, emit what it returns. */
export interface DlpStreamFilter {
  /** Adds the next piece of text; returns what is safe to emit now (possibly ""), redacted where a REDACT policy matched. */
  push(text: string): { text: string };
  /** The stream ended: returns the rest, scanned to the end. */
  end(): { text: string };
  /** Findings so far (final ones: a match is counted once nothing more can change it). */
  findings(): DlpFinding[];
  /** The strongest action so far; undefined while nothing matched. */
  action(): DlpAction | undefined;
  /** A BLOCK policy matched: stop the stream (2030); push and end return no more text. */
  blocked(): boolean;
}

/** How much already-emitted text scanning keeps as context (every detector looks back at most 2 characters). */
const CONTEXT = 64;

/**
 * Scans a streamed text (a response's deltas) without buffering it whole: each piece is emitted as
 * soon as no match can cover it, so only the tail that could still become or extend a match is
 * held back. What each detector holds (detectors.ts): a trailing run of digits and single spaces or
 * dashes (cards, phones, SSNs); a trailing word that could be an email's local part or a token's
 * start (`sk-`, `AKIA`, `gh…_`, `eyJ`, an all-caps IBAN prefix, a keyword's prefix); an open
 * `-----BEGIN … PRIVATE KEY-----` block until its END (at most 8,000 characters); and for custom
 * patterns the trailing non-space run up to 256 characters. Plain prose ending in a space or
 * punctuation goes out at once. A match is never emitted, even in part: the output, concatenated,
 * equals scanText(whole).redacted ?? whole, and the findings equal scanText's, however the text
 * is split (for custom patterns, as long as their matches hold no whitespace).
 */
export function dlpStreamFilter(compiled: CompiledDlp, check: DlpCheck = "RESPONSE"): DlpStreamFilter {
  const entries = compiled.entries(check);
  const tally = new FindingTally(check, entries);
  /** Where each entry resumes scanning, as an offset into the whole stream. */
  const cursors = entries.map(() => 0);
  /** Final REDACT matches not yet emitted (offsets into the whole stream). */
  let spans: RedactionSpan[] = [];
  /** The text from `base` on, not emitted yet. */
  let pending = "";
  let base = 0;
  /** Emitted text just before `base`, for detectors' look-behind. */
  let context = "";
  /** A high surrogate whose pair has not arrived: held so no scan sees half a character. */
  let carry = "";
  let isBlocked = false;

  const advance = (more: boolean): string => {
    if (isBlocked) return "";
    const text = context + pending;
    const origin = base - context.length;
    entries.forEach((entry, index) => {
      const step = entry.scanner.scan(text, cursors[index]! - origin, more);
      tally.add(entry, step.matches.length);
      if (entry.action === "REDACT") {
        for (const match of step.matches) spans.push({ start: match.start + origin, end: match.end + origin, entryId: entry.scanner.entryId });
      }
      cursors[index] = step.resume + origin;
    });
    if (tally.action === "BLOCK") {
      isBlocked = true;
      pending = "";
      spans = [];
      return "";
    }
    // Emit up to where every entry has decided, but never into a redaction that a later match could still widen.
    let emitTo = more ? Math.min(base + pending.length, ...cursors) : base + pending.length;
    const merged = mergeSpans(spans);
    const open = merged.find((span) => span.end > emitTo);
    if (open) emitTo = Math.min(emitTo, open.start);
    const emitted = spans.filter((span) => span.end <= emitTo);
    spans = spans.filter((span) => span.end > emitTo);
    const raw = pending.slice(0, emitTo - base);
    const out = redact(raw, base, emitted);
    context = (context + raw).slice(-CONTEXT);
    pending = pending.slice(emitTo - base);
    base = emitTo;
    return out;
  };

  return {
    push(text) {
      if (isBlocked) return { text: "" };
      text = carry + text;
      const last = text.charCodeAt(text.length - 1);
      carry = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : "";
      pending += carry ? text.slice(0, -1) : text;
      return { text: advance(true) };
    },
    end() {
      pending += carry;
      carry = "";
      return { text: advance(false) };
    },
    findings: () => tally.findings(),
    action: () => tally.action,
    blocked: () => isBlocked,
  };
}
