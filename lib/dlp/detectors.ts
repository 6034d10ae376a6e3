import { RE2 } from "re2-wasm";
import { patternShape, type PatternShape } from "./pattern-shape";
import type { BuiltInDetector } from "./types";

/** One match of a detector's entry, as UTF-16 offsets into the scanned text. Never the text itself. */
export interface DetectorMatch {
  start: number;
  end: number;
}

/** What one scan found, and where the next scan of a growing text must start. */
export interface ScanStep {
  /** Matches that more text cannot change, in order. */
  matches: DetectorMatch[];
  /**
   * Where scanning resumes when more text arrives: no match can begin before it any more, and
   * restarting there finds exactly what scanning the whole text would (text before it is only
   * context, e.g. for "not preceded by a digit"). `text.length` when nothing is held back.
   */
  resume: number;
}

/**
 * One entry of a profile (`credit_card`, `secrets.jwt`, a custom pattern or keyword list): finds
 * its matches in text, and tells a stream how much of a growing text it must hold back.
 */
export interface EntryScanner {
  entryId: string;
  /**
   * Matches starting at or after `from` (text before `from` is context only). With `more`, text
   * may still be appended: matches that could still change are left out and `resume` says where to
   * rescan; without it, every match is returned and `resume` is `text.length`.
   */
  scan(text: string, from: number, more: boolean): ScanStep;
}

/** Every match in the whole text. */
export function findMatches(scanner: EntryScanner, text: string): DetectorMatch[] {
  return scanner.scan(text, 0, false).matches;
}

/**
 * A scanner from a JS regular expression of ours and a `hold` expression anchored at the end of
 * the text that matches every tail from which an attempt of `pattern` could still read to the end
 * of the text (a superset is safe, it only holds more back). Attempts that start before the
 * earliest such tail are decided by the text already there, so their matches are final.
 *
 * Why these expressions cannot backtrack catastrophically: every quantifier is bounded or runs over
 * a class that the next token cannot start with, no quantified group contains another unbounded
 * quantifier, and matches only start where a lookbehind allows; each attempt therefore reads a
 * bounded stretch of text (at most the entry's longest match plus one character), which keeps a
 * scan linear in the text's length.
 */
function regexScanner(
  entryId: string,
  pattern: RegExp,
  hold: RegExp,
  valid?: (match: string) => boolean,
): EntryScanner {
  return {
    entryId,
    scan(text, from, more) {
      const cut = more ? holdStart(hold, text, from) : text.length;
      const matches: DetectorMatch[] = [];
      pattern.lastIndex = from;
      for (let found = pattern.exec(text); found && found.index < cut; found = pattern.exec(text)) {
        const start = found.index;
        const end = start + found[0].length;
        if (valid && !valid(found[0])) {
          // Every later start is tried, so a rescan from any point between matches agrees with this one.
          pattern.lastIndex = start + 1;
          continue;
        }
        matches.push({ start, end });
      }
      return { matches, resume: Math.max(cut, matches.at(-1)?.end ?? cut) };
    },
  };
}

/** Outside a class, and valid with the `u` flag (which refuses escaping anything but syntax characters). */
function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

function holdStart(hold: RegExp, text: string, from: number): number {
  hold.lastIndex = from;
  return hold.exec(text)?.index ?? text.length;
}

/** `abc` → `a(?:b(?:c)?)?`: any non-empty prefix of the literal, for the hold expressions. */
function partial(literal: string): string {
  const chars = [...literal].map(escapeLiteral);
  return chars.reduceRight((rest, char) => (rest ? `${char}(?:${rest})?` : char), "");
}

const EMAIL = regexScanner(
  "email",
  /(?<![A-Za-z0-9._%+@-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,63}(?![A-Za-z0-9-]|\.[A-Za-z0-9-])/g,
  /(?<![A-Za-z0-9._%+@-])[A-Za-z0-9._%+-]{1,64}(?:@[A-Za-z0-9.-]{0,700})?$/g,
);

// Separators are required (the same one twice): nine bare digits are too often something else.
const US_SSN = regexScanner(
  "us_ssn",
  /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?!-?\d)/g,
  /(?<![\d-])\d{1,3}(?:[- ](?:\d{1,2}(?:[- ](?:\d{1,4}-?)?)?)?)?$/g,
);

// E.164 (`+` and 8–15 digits, single spaces, dots or dashes between them) or a NANP number written
// with separators (`415-555-2671`, `(415) 555-2671`, `+1 415 555 2671`). A bare run of ten digits
// is not taken for a phone number: order numbers and timestamps look the same.
const PHONE = regexScanner(
  "phone",
  /(?<![\w+(])(?:\+[1-9](?:[ .-]?\d){7,14}(?![ .-]?\d)|(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![ .-]?\d|\w))/g,
  /(?<![\w+(])[+(\d][\d ().+-]{0,33}$/g,
);

// Country code, check digits, then groups of four with or without single spaces; mod-97 decides.
const IBAN = regexScanner(
  "iban",
  /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])/g,
  /(?<![A-Za-z0-9])[A-Z](?:[A-Z](?:\d(?:\d(?: ?[A-Z0-9]){0,36} ?)?)?)?$/g,
  (match) => ibanChecksumValid(match.replaceAll(" ", "")),
);

const BEGIN = "-----BEGIN";
const PRIVATE_KEY_BODY_MAX = 8000;
const PRIVATE_KEY_HEADER = /-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----/y;
const PRIVATE_KEY_FOOTER = /-----END[A-Z ]{0,40}PRIVATE KEY-----/g;
const PRIVATE_KEY_HEADER_SO_FAR = new RegExp(`-----BEGIN[A-Z ]{0,40}(?:${partial("PRIVATE KEY----")})?$`, "y");

/**
 * A PEM block of any private key type: its header, then up to 8,000 characters (a 4096-bit RSA
 * key is about 3,300) to the first footer. Code rather than one lazy expression, so that many
 * headers without a footer cost one search for the footer, not one each.
 */
const PRIVATE_KEY: EntryScanner = {
  entryId: "secrets.private_key",
  scan(text, from, more) {
    const matches: DetectorMatch[] = [];
    let cut = text.length;
    // The next footer at or after `footerFrom`, or null when there is none.
    let footer: RegExpExecArray | null = null;
    let footerFrom = -1;
    for (let at = text.indexOf(BEGIN, from); at >= 0 && at < cut; at = text.indexOf(BEGIN, at + 1)) {
      PRIVATE_KEY_HEADER.lastIndex = at;
      const header = PRIVATE_KEY_HEADER.exec(text);
      if (!header) {
        PRIVATE_KEY_HEADER_SO_FAR.lastIndex = at;
        if (more && PRIVATE_KEY_HEADER_SO_FAR.test(text)) cut = at;
        continue;
      }
      const bodyStart = at + header[0].length;
      if (footerFrom < 0 || (footer && footer.index < bodyStart)) {
        PRIVATE_KEY_FOOTER.lastIndex = bodyStart;
        footer = PRIVATE_KEY_FOOTER.exec(text);
        footerFrom = bodyStart;
      }
      if (footer && footer.index > bodyStart && footer.index - bodyStart <= PRIVATE_KEY_BODY_MAX) {
        matches.push({ start: at, end: footer.index + footer[0].length });
        at = footer.index + footer[0].length - 1;
      } else if (more && !footer && text.length - bodyStart <= PRIVATE_KEY_BODY_MAX + 60) {
        // The footer may still come.
        cut = at;
      }
    }
    if (more) {
      for (let length = BEGIN.length - 1; length > 0; length--) {
        if (text.length - length >= from && text.endsWith(BEGIN.slice(0, length))) {
          cut = Math.min(cut, text.length - length);
          break;
        }
      }
    }
    const final = matches.filter((match) => match.start < cut);
    return { matches: final, resume: Math.max(cut, final.at(-1)?.end ?? cut) };
  },
};

const TOKEN = "[A-Za-z0-9_-]";
const SECRETS: EntryScanner[] = [
  regexScanner(
    "secrets.openai_key",
    new RegExp(`(?<!${TOKEN})sk-(?!ant-)${TOKEN}{20,400}(?!${TOKEN})`, "g"),
    new RegExp(`(?<!${TOKEN})(?:${partial("sk-")}|sk-${TOKEN}{0,401})$`, "g"),
  ),
  regexScanner(
    "secrets.anthropic_key",
    new RegExp(`(?<!${TOKEN})sk-ant-${TOKEN}{20,400}(?!${TOKEN})`, "g"),
    new RegExp(`(?<!${TOKEN})(?:${partial("sk-ant-")}|sk-ant-${TOKEN}{0,401})$`, "g"),
  ),
  regexScanner(
    "secrets.aws_access_key",
    /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    /(?<![A-Za-z0-9])(?:A(?:K(?:I)?|S(?:I)?)?|(?:AKIA|ASIA)[A-Z0-9]{0,16})$/g,
  ),
  regexScanner(
    "secrets.github_token",
    /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g,
    new RegExp(
      `(?<![A-Za-z0-9_])(?:g(?:h[pousr]?)?|gh[pousr]_[A-Za-z0-9]{0,255}|${partial("github_pat_")}|github_pat_[A-Za-z0-9_]{0,255})$`,
      "g",
    ),
  ),
  PRIVATE_KEY,
  regexScanner(
    "secrets.jwt",
    new RegExp(`(?<!${TOKEN})eyJ${TOKEN}{5,4000}\\.eyJ${TOKEN}{5,4000}\\.${TOKEN}{10,4000}(?!${TOKEN})`, "g"),
    new RegExp(
      `(?<!${TOKEN})(?:e|ey|eyJ${TOKEN}{0,4000}(?:\\.(?:e|ey|eyJ${TOKEN}{0,4000}(?:\\.${TOKEN}{0,4000})?)?)?)$`,
      "g",
    ),
  ),
];

const CARD_MIN_DIGITS = 13;
const CARD_MAX_DIGITS = 19;

/**
 * Card numbers: runs of digit groups joined by single spaces or dashes (`4111 1111-1111 1111`,
 * `4111111111111111`). Within a run, the leftmost window of whole groups holding 13–19 digits that
 * passes the Luhn check is a card (the longest such window from that group); a group never splits,
 * so 16 digits inside a longer number are not a card, and a 16-digit number failing Luhn is not one.
 * Written as code rather than a regular expression because a card may sit beside other numbers in
 * the same run (`card 4111 1111 1111 1111 123`).
 */
const CREDIT_CARD: EntryScanner = {
  entryId: "credit_card",
  scan(text, from, more) {
    const matches: DetectorMatch[] = [];
    let at = from;
    // Resuming just after a digit continues a group already known to be too long for any card.
    if (at > 0 && isDigit(text, at - 1)) at = skipDigits(text, at);
    for (;;) {
      DIGIT.lastIndex = at;
      const digit = DIGIT.exec(text);
      if (!digit) break;
      at = digit.index;
      const groups: { start: number; end: number }[] = [];
      let end = at;
      for (;;) {
        const start = end;
        end = skipDigits(text, start);
        groups.push({ start, end });
        if (isSeparator(text, end) && isDigit(text, end + 1)) end += 1;
        else break;
      }
      const open = more && (end === text.length || (isSeparator(text, end) && end + 1 === text.length));
      let group = 0;
      while (group < groups.length) {
        const luhn = new LuhnSum();
        let decided = false;
        let last = -1;
        for (let next = group; next < groups.length && !decided; next++) {
          for (let at = groups[next]!.start; at < groups[next]!.end && !decided; at++) {
            luhn.append(text.charCodeAt(at) - 48);
            decided = luhn.length > CARD_MAX_DIGITS;
          }
          if (!decided && luhn.length >= CARD_MIN_DIGITS && luhn.valid()) last = next;
        }
        if (!decided && open) return { matches, resume: groups[group]!.start };
        if (last >= 0) {
          matches.push({ start: groups[group]!.start, end: groups[last]!.end });
          group = last + 1;
        } else group += 1;
      }
      at = end;
    }
    return { matches, resume: text.length };
  },
};

const DIGIT = /\d/g;

function isDigit(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
}

function isSeparator(text: string, at: number): boolean {
  return text[at] === " " || text[at] === "-";
}

function skipDigits(text: string, at: number): number {
  while (isDigit(text, at)) at += 1;
  return at;
}

/**
 * The Luhn sum of a digit string growing to the right, kept for both parities so each check is
 * O(1): which digits are doubled depends on where the string ends.
 */
class LuhnSum {
  length = 0;
  private readonly plain = [0, 0];
  private readonly doubled = [0, 0];

  append(digit: number): void {
    const parity = this.length % 2;
    this.plain[parity]! += digit;
    this.doubled[parity]! += digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    this.length += 1;
  }

  valid(): boolean {
    // The last digit is never doubled, nor is every second one before it.
    const lastParity = (this.length - 1) % 2;
    return (this.plain[lastParity]! + this.doubled[1 - lastParity]!) % 10 === 0;
  }
}

/** ISO 13616: the country code and check digits moved to the end, letters as 10–35, the number mod 97 is 1. */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= "A" && char <= "Z" ? char.charCodeAt(0) - 55 : char.charCodeAt(0) - 48;
    remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

/** The entries of each built-in profile; each finding names the entry. */
export const BUILT_IN_SCANNERS: Record<BuiltInDetector, EntryScanner[]> = {
  credit_card: [CREDIT_CARD],
  iban: [IBAN],
  us_ssn: [US_SSN],
  email: [EMAIL],
  phone: [PHONE],
  secrets: SECRETS,
};

/** The longest match a custom pattern may have: it bounds what RE2 must see at once and what a stream holds back. */
export const CUSTOM_PATTERN_MAX_MATCH = 256;

/**
 * How much text one RE2 call may find a match's start in. RE2 copies its whole input on every
 * call, so each call gets a slice: short just after a match (matches often come close together),
 * doubling while none is found.
 */
const CUSTOM_PATTERN_SPAN_MIN = 64;
const CUSTOM_PATTERN_SPAN_MAX = 4096;

/** Why RE2 refuses a pattern, in words (its own messages name the operator, not the feature). */
function re2Refusal(message: string): string {
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  if (/invalid perl operator: \(\?<[=!]?$/.test(reason)) return "lookbehind ((?<=…) and (?<!…)) is not supported";
  if (/invalid perl operator: \(\?[=!]$/.test(reason)) return "lookahead ((?=…) and (?!…)) is not supported";
  if (/invalid escape sequence: \\[1-9]/.test(reason) || reason.includes("\\k<")) return "backreferences (\\1, \\k<name>) are not supported";
  return reason;
}

/** A custom pattern RE2 compiled, with what it can match. */
export interface CustomPattern {
  regex: RE2;
  shape: PatternShape;
}

/**
 * A team's pattern compiled by RE2 (linear time whatever the pattern), or why it cannot be: RE2
 * refuses backreferences and lookaround, which are what make patterns backtrack catastrophically.
 * A match must be bounded (at most `CUSTOM_PATTERN_MAX_MATCH` characters: `{1,64}` rather than
 * `+`), so a scan reads bounded windows and a stream holds back a bounded tail.
 */
export function compileCustomPattern(source: string): ({ ok: true } & CustomPattern) | { ok: false; problem: string } {
  let regex: RE2;
  try {
    regex = new RE2(source, "gu");
  } catch (error) {
    return { ok: false, problem: `RE2 cannot run this pattern: ${re2Refusal((error as Error).message)}` };
  }
  regex.lastIndex = 0;
  if (regex.exec("")) {
    return { ok: false, problem: "the pattern matches the empty string, so it would match everywhere" };
  }
  const shape = patternShape(source);
  if (shape.maxLength > CUSTOM_PATTERN_MAX_MATCH) {
    const how = shape.maxLength === Infinity ? "has no longest match" : `can match ${shape.maxLength} characters`;
    return {
      ok: false,
      problem: `the pattern ${how}; bound it to at most ${CUSTOM_PATTERN_MAX_MATCH} (write {1,64} rather than + or *) so streams need not hold back more`,
    };
  }
  return { ok: true, regex, shape };
}

/**
 * A custom pattern's scanner. RE2 sees the text in windows a little longer than the longest match,
 * so scanning stays linear however many matches there are. A stream holds back the last
 * `maxLength` characters, or, for a pattern that cannot match whitespace, only the trailing run of
 * non-space characters within them.
 */
export function customPatternScanner(entryId: string, { regex, shape }: CustomPattern): EntryScanner {
  return {
    entryId,
    scan(text, from, more) {
      let cut = text.length;
      if (more) {
        const floor = Math.max(from, text.length - shape.maxLength);
        if (shape.mayMatchSpace) cut = floor;
        else while (cut > floor && !/\s/.test(text[cut - 1]!)) cut -= 1;
      }
      const matches: DetectorMatch[] = [];
      let at = from;
      let span = CUSTOM_PATTERN_SPAN_MIN;
      while (at < cut) {
        // Attempts starting before `spanEnd` are decided within the slice: a match is at most
        // `maxLength` long, and one more character covers `\b` and `$`. One character before `at`
        // is context, for `\b`.
        const spanEnd = Math.min(cut, at + span);
        const sliceStart = Math.max(0, at - 1);
        // RE2 counts offsets in code points (and lone surrogates would not survive its UTF-8 copy).
        const slice = text.slice(sliceStart, Math.min(text.length, spanEnd + shape.maxLength + 1)).toWellFormed();
        const offsets = codePointOffsets(slice);
        regex.lastIndex = offsets ? pointAt(offsets, at - sliceStart) : at - sliceStart;
        const found = regex.exec(slice);
        const start = found ? sliceStart + (offsets ? offsets[found.index]! : found.index) : Infinity;
        if (!found || start >= spanEnd) {
          at = spanEnd;
          span = Math.min(span * 2, CUSTOM_PATTERN_SPAN_MAX);
          continue;
        }
        const end = start + found[0]!.length;
        if (end > start) matches.push({ start, end });
        // After an empty match, the next attempt starts one code point later.
        at = end > start ? end : start + (slice.codePointAt(start - sliceStart)! > 0xffff ? 2 : 1);
        span = CUSTOM_PATTERN_SPAN_MIN;
      }
      return { matches, resume: Math.max(cut, matches.at(-1)?.end ?? cut) };
    },
  };
}

/** UTF-16 offset of each code point (and of the end), or undefined when the two agree. */
function codePointOffsets(text: string): number[] | undefined {
  if (!/[\uD800-\uDFFF]/.test(text)) return undefined;
  const offsets: number[] = [];
  let unit = 0;
  for (const char of text) {
    offsets.push(unit);
    unit += char.length;
  }
  offsets.push(unit);
  return offsets;
}

/** The first code point at or after a UTF-16 offset. */
function pointAt(offsets: number[], unit: number): number {
  let point = 0;
  while (offsets[point]! < unit) point += 1;
  return point;
}

const WORD_CHAR = "[\\p{L}\\p{N}_]";

/**
 * A keyword list's scanner. Keywords match whole words only (not inside a longer word: `secret`
 * does not match `secretary`), and ignore case unless `caseSensitive`. They are escaped literals in
 * one alternation, which a JS RegExp runs without backtracking beyond each keyword's length.
 */
export function keywordScanner(entryId: string, words: string[], caseSensitive: boolean): EntryScanner {
  const flags = caseSensitive ? "gu" : "giu";
  const longestFirst = [...words].sort((a, b) => b.length - a.length);
  return regexScanner(
    entryId,
    new RegExp(`(?<!${WORD_CHAR})(?:${longestFirst.map(escapeLiteral).join("|")})(?!${WORD_CHAR})`, flags),
    new RegExp(`(?<!${WORD_CHAR})(?:${longestFirst.map(partial).join("|")})$`, flags),
  );
}
