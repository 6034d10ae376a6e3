import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUILT_IN_SCANNERS,
  compileCustomPattern,
  customPatternScanner,
  findMatches,
  ibanChecksumValid,
  keywordScanner,
  type EntryScanner,
} from "./detectors";

/** The matched substrings, for readable expectations (tests only: findings never hold them). */
function found(scanner: EntryScanner, text: string): string[] {
  return findMatches(scanner, text).map((match) => text.slice(match.start, match.end));
}

/** The Luhn rule as usually written, as the oracle for the scanner's incremental sum. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((char, index) => {
    const digit = Number(char) * (index % 2 === 1 ? 2 : 1);
    sum += digit > 9 ? digit - 9 : digit;
  });
  return sum % 10 === 0;
}

const secret = (entryId: string) => BUILT_IN_SCANNERS.secrets.find((scanner) => scanner.entryId === entryId)!;
const [card] = BUILT_IN_SCANNERS.credit_card;
const [iban] = BUILT_IN_SCANNERS.iban;
const [ssn] = BUILT_IN_SCANNERS.us_ssn;
const [email] = BUILT_IN_SCANNERS.email;
const [phone] = BUILT_IN_SCANNERS.phone;

describe("credit_card", () => {
  it("finds numbers that pass Luhn, with or without spaces and dashes between groups", () => {
    expect(found(card!, "pay with 4111 1111 1111 1111 today")).toEqual(["4111 1111 1111 1111"]);
    expect(found(card!, "4111-1111-1111-1111")).toEqual(["4111-1111-1111-1111"]);
    expect(found(card!, "x4111111111111111y")).toEqual(["4111111111111111"]);
    expect(found(card!, "amex 3782 822463 10005.")).toEqual(["3782 822463 10005"]);
    expect(found(card!, "visa13 4222222222222")).toEqual(["4222222222222"]);
  });

  it("finds a card beside other numbers in the same run", () => {
    expect(found(card!, "card 4111 1111 1111 1111 123")).toEqual(["4111 1111 1111 1111"]);
    expect(found(card!, "order 12 4111-1111-1111-1111")).toEqual(["4111-1111-1111-1111"]);
  });

  it("takes no number failing Luhn, none inside a longer number, none too short", () => {
    expect(found(card!, "4111 1111 1111 1112")).toEqual([]);
    expect(found(card!, "order 41111111111111110000")).toEqual([]);
    expect(found(card!, "424242424242")).toEqual([]);
    expect(found(card!, "4111  1111 1111 1111")).toEqual([]);
  });

  it("never matches a 16-digit number that fails Luhn", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15}$/), (digits) => {
        expect(found(card!, ` ${digits} `).length > 0).toBe(luhnValid(digits));
      }),
    );
  });
});

describe("iban", () => {
  it("finds IBANs passing mod-97, with or without spaces", () => {
    expect(found(iban!, "to DE89 3704 0044 0532 0130 00, thanks")).toEqual(["DE89 3704 0044 0532 0130 00"]);
    expect(found(iban!, "GB82WEST12345698765432")).toEqual(["GB82WEST12345698765432"]);
    expect(found(iban!, "GB82WEST12345698765433")).toEqual([]);
    expect(ibanChecksumValid("NL91ABNA0417164300")).toBe(true);
    expect(ibanChecksumValid("NL91ABNA0417164301")).toBe(false);
  });
});

describe("us_ssn", () => {
  it("finds AAA-GG-SSSS with a separator, excluding the ranges never issued", () => {
    expect(found(ssn!, "SSN 123-45-6789.")).toEqual(["123-45-6789"]);
    expect(found(ssn!, "SSN 123 45 6789")).toEqual(["123 45 6789"]);
    for (const invalid of ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123-45 6789", "123456789", "123-45-67890"]) {
      expect(found(ssn!, `is ${invalid} ok`), invalid).toEqual([]);
    }
  });
});

describe("email", () => {
  it("finds addresses, leaving sentence punctuation out", () => {
    expect(found(email!, "mail jane.doe+x@mail.example.co.uk.")).toEqual(["jane.doe+x@mail.example.co.uk"]);
    expect(found(email!, "<a@b.io>")).toEqual(["a@b.io"]);
    expect(found(email!, "not@an address, @handle, a@b")).toEqual([]);
  });
});

describe("phone", () => {
  it("finds E.164 and NANP numbers written with separators, not bare digit runs", () => {
    expect(found(phone!, "call +14155552671 now")).toEqual(["+14155552671"]);
    expect(found(phone!, "call +44 20 7946 0958")).toEqual(["+44 20 7946 0958"]);
    expect(found(phone!, "call (415) 555-2671 or 415.555.2671 or +1 415 555 2671")).toEqual([
      "(415) 555-2671",
      "415.555.2671",
      "+1 415 555 2671",
    ]);
    expect(found(phone!, "order 4155552671, version 1.2.3, 2024-01-15")).toEqual([]);
  });
});

describe("secrets", () => {
  const body = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4";
  it("finds each kind of key under its own entry", () => {
    expect(found(secret("secrets.openai_key"), `key sk-proj-${body} and sk-${body}`)).toEqual([`sk-proj-${body}`, `sk-${body}`]);
    expect(found(secret("secrets.openai_key"), `sk-ant-api03-${body}`)).toEqual([]);
    expect(found(secret("secrets.anthropic_key"), `"sk-ant-api03-${body}"`)).toEqual([`sk-ant-api03-${body}`]);
    expect(found(secret("secrets.aws_access_key"), "id AKIAIOSFODNN7EXAMPLE, ASIAIOSFODNN7EXAMPLE")).toEqual([
      "AKIAIOSFODNN7EXAMPLE",
      "ASIAIOSFODNN7EXAMPLE",
    ]);
    expect(found(secret("secrets.aws_access_key"), "AKIAIOSFODNN7EXAMPLEX")).toEqual([]);
    const ghp = `ghp_${"a1B2".repeat(9)}`;
    const pat = `github_pat_11ABCDEFG0${"x_Y1".repeat(10)}`;
    expect(found(secret("secrets.github_token"), `${ghp} ${pat}`)).toEqual([ghp, pat]);
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    expect(found(secret("secrets.private_key"), `here:\n${pem}\nthere`)).toEqual([pem]);
    expect(found(secret("secrets.private_key"), "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----")).toEqual([]);
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    expect(found(secret("secrets.jwt"), `Bearer ${jwt}.`)).toEqual([jwt]);
  });
});

describe("custom patterns", () => {
  it("run through RE2 and refuse what RE2 cannot run, saying why", () => {
    const compiled = compileCustomPattern("EMP-\\d{6}");
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(found(customPatternScanner("employee", compiled), "id EMP-123456 😀 EMP-654321")).toEqual(["EMP-123456", "EMP-654321"]);
    expect(compileCustomPattern("(?<=x)y")).toEqual({ ok: false, problem: "RE2 cannot run this pattern: lookbehind ((?<=…) and (?<!…)) is not supported" });
    expect(compileCustomPattern("x(?!y)")).toEqual({ ok: false, problem: "RE2 cannot run this pattern: lookahead ((?=…) and (?!…)) is not supported" });
    expect(compileCustomPattern("(a)\\1")).toEqual({ ok: false, problem: "RE2 cannot run this pattern: backreferences (\\1, \\k<name>) are not supported" });
    expect(compileCustomPattern("[a-")).toMatchObject({ ok: false, problem: expect.stringContaining("RE2 cannot run this pattern: missing ]") });
    expect(compileCustomPattern("a*")).toMatchObject({ ok: false, problem: expect.stringContaining("empty string") });
    expect(compileCustomPattern("EMP-\\d+")).toEqual({
      ok: false,
      problem: "the pattern has no longest match; bound it to at most 256 (write {1,64} rather than + or *) so streams need not hold back more",
    });
    expect(compileCustomPattern("[\\s\\S]{300}")).toMatchObject({ ok: false, problem: expect.stringContaining("can match 600 characters") });
  });

  it("find what JS finds for the same simple pattern, across RE2's windows and however many matches", () => {
    const patterns = ["[a-c]{2,5}", "\\bab\\b", "x{1,3}y?", "(?:ab|a)c", "b$", "^a"];
    for (const source of patterns) {
      const compiled = compileCustomPattern(source);
      if (!compiled.ok) throw new Error(compiled.problem);
      const scanner = customPatternScanner("p", compiled);
      const js = new RegExp(source, "gu");
      fc.assert(
        fc.property(fc.array(fc.constantFrom("a", "b", "c", "x", "y", " ", "é"), { maxLength: 9000 }), (chars) => {
          const text = chars.join("");
          const expected = [...text.matchAll(js)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
          expect(findMatches(scanner, text)).toEqual(expected);
        }),
        { numRuns: 30 },
      );
    }
    const compiled = compileCustomPattern("\\d");
    if (!compiled.ok) throw new Error(compiled.problem);
    expect(findMatches(customPatternScanner("digit", compiled), "1".repeat(200_000))).toHaveLength(200_000);
  });

  it("run in linear time on what backtracks catastrophically in JS", () => {
    const compiled = compileCustomPattern("(a{1,9}){1,9}b");
    if (!compiled.ok) throw new Error(compiled.problem);
    expect(found(customPatternScanner("evil", compiled), "a".repeat(50_000) + "c")).toEqual([]);
  });

  it("report offsets in UTF-16 units around astral characters", () => {
    const compiled = compileCustomPattern("x{1,5}");
    if (!compiled.ok) throw new Error(compiled.problem);
    const text = "😀😀xx 😀 x \uD800x";
    expect(findMatches(customPatternScanner("x", compiled), text)).toEqual([
      { start: 4, end: 6 },
      { start: 10, end: 11 },
      { start: 13, end: 14 },
    ]);
  });
});

describe("keywords", () => {
  it("match whole words, ignoring case unless asked not to", () => {
    expect(found(keywordScanner("codes", ["Project Phoenix", "secret"], false), "The project phoenix SECRET, secretary, secret.")).toEqual([
      "project phoenix",
      "SECRET",
      "secret",
    ]);
    expect(found(keywordScanner("codes", ["Secret"], true), "secret Secret")).toEqual(["Secret"]);
    expect(found(keywordScanner("codes", ["c++", "a.b"], false), "c++ and axb, a.b")).toEqual(["c++", "a.b"]);
  });
});

describe("built-in expressions", () => {
  it("stay linear on long adversarial runs", () => {
    const texts = [
      "1 ".repeat(20_000),
      "a".repeat(40_000) + "@",
      "a@" + "b.".repeat(20_000),
      "-----BEGIN RSA PRIVATE KEY-----".repeat(2000),
      "eyJ" + "a".repeat(30_000) + ".",
      "DE89" + " 1234".repeat(10_000),
      "+1".repeat(20_000),
      "sk-" + "a".repeat(40_000),
    ];
    for (const scanners of Object.values(BUILT_IN_SCANNERS)) {
      for (const scanner of scanners) {
        for (const text of texts) {
          scanner.scan(text, 0, false);
          scanner.scan(text, 0, true);
        }
      }
    }
  });
});
