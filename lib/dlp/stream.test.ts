import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileDlp, type CompiledDlp } from "./scanner";
import { dlpSettingsSchema } from "./settings";
import { dlpStreamFilter } from "./stream";
import { BUILT_IN_DETECTORS } from "./types";

const CARD = "4111 1111 1111 1111";

const everything = dlpSettingsSchema.parse({
  enabled: true,
  policies: [
    { id: "redact", profiles: ["credit_card", "secrets", "email", "internal"], actions: { RESPONSE: "REDACT" } },
    { id: "flag", profiles: ["iban", "us_ssn", "phone", "email"], actions: { RESPONSE: "FLAG" } },
  ],
  custom_profiles: [
    { id: "internal", patterns: [{ id: "project", regex: "PRJ-[0-9]{2,6}" }], keywords: [{ id: "names", words: ["phoenix", "blue sky"] }] },
  ],
});
const allRedacted = dlpSettingsSchema.parse({
  enabled: true,
  policies: [{ id: "all", profiles: [...BUILT_IN_DETECTORS, "internal"], actions: { RESPONSE: "REDACT" } }],
  custom_profiles: everything.customProfiles,
});
/** A pattern that can match whitespace makes a stream hold back its longest match whatever the text. */
const spaced = dlpSettingsSchema.parse({
  enabled: true,
  policies: [{ id: "codes", profiles: ["codes", "credit_card"], actions: { RESPONSE: "REDACT" } }],
  custom_profiles: [{ id: "codes", patterns: [{ id: "spaced", regex: "code [0-9]{3}\\b" }] }],
});

/** Streams `text` cut at `cuts`, returning the concatenated output and the filter. */
function stream(compiled: CompiledDlp, text: string, cuts: number[]) {
  const filter = dlpStreamFilter(compiled);
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  let out = "";
  let at = 0;
  const emitted: string[] = [];
  for (const point of [...points, text.length]) {
    const piece = filter.push(text.slice(at, point)).text;
    emitted.push(piece);
    out += piece;
    at = point;
  }
  out += filter.end().text;
  return { out, filter, emitted };
}

const luhnCard = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 18 })
  .map((digits) => {
    const check = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((candidate) => {
      let sum = 0;
      [...digits, candidate].reverse().forEach((digit, index) => {
        const value = index % 2 === 1 ? digit * 2 : digit;
        sum += value > 9 ? value - 9 : value;
      });
      return sum % 10 === 0;
    })!;
    return [...digits, check].join("");
  })
  .chain((digits) =>
    fc.constantFrom("", " ", "-").map((separator) => (separator ? digits.replace(/(\d{4})(?=\d)/g, `$1${separator}`) : digits)),
  );

const token = (length: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${length}}$`));
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("the ", "quick", " brown ", "fox", ". ", ", ", "\n", " ", "1", "12", "-", "a", "e", "sk", "@", "+", "(", "A", "DE", "g", "PRJ") },
  { weight: 3, arbitrary: luhnCard },
  { weight: 1, arbitrary: fc.constantFrom(CARD, "4111111111111112", "41111111111111110000", "1 2 3 4") },
  { weight: 2, arbitrary: token(24).map((body) => `sk-proj-${body}`) },
  { weight: 1, arbitrary: token(24).map((body) => `sk-ant-api03-${body}`) },
  { weight: 1, arbitrary: token(16).map((body) => `AKIA${body.toUpperCase()}`) },
  { weight: 1, arbitrary: token(36).map((body) => `ghp_${body}`) },
  { weight: 1, arbitrary: fc.constant("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U") },
  { weight: 1, arbitrary: fc.constant("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----") },
  { weight: 2, arbitrary: fc.tuple(token(6), token(5)).map(([user, host]) => `${user}.x@${host}.example.com`) },
  { weight: 1, arbitrary: fc.constantFrom("+1 415 555 2671", "(415) 555-2671", "+44 20 7946 0958") },
  { weight: 1, arbitrary: fc.constantFrom("DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "123-45-6789") },
  { weight: 1, arbitrary: fc.constantFrom("PRJ-1234", "phoenix", "Phoenix", "blue sky", "😀", "é", "code 123", "code 12") },
);
const text = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(""));
const cuts = fc.array(fc.nat(), { maxLength: 40 });
/** Pieces mixed with single characters that start or continue matches, to split them in odd places. */
const noisy = fc
  .array(fc.oneof(piece, fc.constantFrom(..."0123456789 -.@+()aAeEgGhjkpsyJKIS_PRJ\ncode-----BEGIN")), { maxLength: 60 })
  .map((pieces) => pieces.join(""));

describe("dlpStreamFilter", () => {
  it("emits, however the text is split, exactly what scanning the whole text redacts, with the same findings", () => {
    for (const settings of [everything, allRedacted, spaced]) {
      const compiled = compileDlp(settings);
      fc.assert(
        fc.property(fc.oneof(text, noisy), cuts, (whole, points) => {
          const expected = compiled.scanText(whole, "RESPONSE");
          const { out, filter } = stream(compiled, whole, points);
          expect(out).toBe(expected.redacted ?? whole);
          expect(filter.findings()).toEqual(expected.findings);
          expect(filter.action()).toBe(expected.action);
        }),
        { numRuns: 400 },
      );
    }
  });

  it("redacts a card number split across two chunks", () => {
    const { out, emitted } = stream(compileDlp(everything), `Your card is ${CARD}. Thanks!`, [20]);
    expect(out).toBe("Your card is [REDACTED:credit_card]. Thanks!");
    expect(emitted[0]).toBe("Your card is ");
  });

  it("emits prose at once, holding back only what could start a match", () => {
    const filter = dlpStreamFilter(compileDlp(everything));
    expect(filter.push("Hello, ").text).toBe("Hello, ");
    expect(filter.push("the total is ").text).toBe("the total is ");
    expect(filter.push("42").text).toBe("");
    expect(filter.push(" apples; write to jane").text).toBe("42 apples; write to ");
    expect(filter.push("@example.com").text).toBe("");
    expect(filter.push(" today. ").text).toBe("[REDACTED:email] today. ");
    expect(filter.end().text).toBe("");
  });

  it("stops emitting once a BLOCK policy matches", () => {
    const compiled = compileDlp(dlpSettingsSchema.parse({ enabled: true, action: "BLOCK", profiles: ["secrets"] }));
    const filter = dlpStreamFilter(compiled);
    expect(filter.push("here is sk-proj-A1b2C3d4").text).toBe("here is ");
    expect(filter.push("E5f6G7h8I9j0K1l2M3n4 and more").text).toBe("");
    expect(filter.blocked()).toBe(true);
    expect(filter.push("later text").text).toBe("");
    expect(filter.end().text).toBe("");
    expect(filter.findings()).toEqual([
      { check: "RESPONSE", policyId: "default", profileId: "secrets", entryId: "secrets.openai_key", action: "BLOCK", count: 1 },
    ]);
  });

  it("holds back a whitespace-matching pattern's longest match", () => {
    const filter = dlpStreamFilter(compileDlp(spaced));
    expect(filter.push("Your code is ready.").text).toBe("Your code i");
    expect(filter.push(" The code 123 works").text).toBe("s ready. The [REDACTED:spaced]");
    expect(filter.end().text).toBe(" works");
  });

  it("passes everything through at once when no policy scans the check", () => {
    const compiled = compileDlp(dlpSettingsSchema.parse({ enabled: true, policies: [{ id: "p", profiles: ["email"], actions: { REQUEST: "BLOCK" } }] }));
    const filter = dlpStreamFilter(compiled);
    expect(filter.push("mail jane").text).toBe("mail jane");
    expect(filter.push("@example.com").text).toBe("@example.com");
  });

  it("holds an open private key block until its end, then redacts it whole", () => {
    const filter = dlpStreamFilter(compileDlp(allRedacted));
    expect(filter.push("key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow").text).toBe("key: ");
    expect(filter.push("IBAAKCAQEA\n-----END RSA PRIV").text).toBe("");
    expect(filter.push("ATE KEY-----\nbye").text).toBe("[REDACTED:secrets.private_key]\n");
    expect(filter.end().text).toBe("bye");
  });
});
