import { describe, expect, it } from "vitest";
import { dlpSettingsSchema, selectPolicies } from "./settings";
import type { DlpSettings } from "./types";

/** The problems as the services report them (lib/services/validation.ts joins the path with dots). */
function problems(input: unknown): string[] {
  const result = dlpSettingsSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
}

describe("dlpSettingsSchema", () => {
  it("reads Cloudflare's single-policy shape as one policy on both checks", () => {
    expect(dlpSettingsSchema.parse({ enabled: true, action: "BLOCK", profiles: ["credit_card", "secrets"] })).toEqual({
      enabled: true,
      policies: [{ id: "default", enabled: true, profiles: ["credit_card", "secrets"], actions: { REQUEST: "BLOCK", RESPONSE: "BLOCK" } }],
      customProfiles: [],
      headerSelectsPolicies: false,
    });
  });

  it("reads Cloudflare's policies shape, ours with actions per check, and custom profiles in either spelling", () => {
    const settings = dlpSettingsSchema.parse({
      enabled: true,
      policies: [
        { id: "Block-PII", enabled: true, action: "FLAG", check: ["REQUEST"], profiles: ["email"] },
        { id: "cards", profiles: ["credit_card", "internal"], actions: { REQUEST: "REDACT", RESPONSE: "BLOCK" } },
      ],
      custom_profiles: [
        { id: "internal", patterns: [{ id: "emp", regex: "EMP-\\d{6}" }], keywords: [{ id: "codes", words: ["phoenix"], case_sensitive: true }] },
      ],
      header_selects_policies: true,
    });
    expect(settings).toEqual({
      enabled: true,
      policies: [
        { id: "Block-PII", enabled: true, profiles: ["email"], actions: { REQUEST: "FLAG" } },
        { id: "cards", enabled: true, profiles: ["credit_card", "internal"], actions: { REQUEST: "REDACT", RESPONSE: "BLOCK" } },
      ],
      customProfiles: [
        { id: "internal", name: "internal", patterns: [{ id: "emp", regex: "EMP-\\d{6}" }], keywords: [{ id: "codes", words: ["phoenix"], caseSensitive: true }] },
      ],
      headerSelectsPolicies: true,
    });
    // What is stored reads back as itself (the settings form edits the stored value).
    expect(dlpSettingsSchema.parse(settings)).toEqual(settings);
    expect(dlpSettingsSchema.parse({ ...settings, customProfiles: undefined, custom_profiles: settings.customProfiles })).toEqual(settings);
  });

  it("names the field and the problem", () => {
    expect(
      problems({
        enabled: true,
        policies: [{ id: "p", action: "REDACT", check: ["REQUEST"], profiles: ["internal", "ssn"] }],
        custom_profiles: [{ id: "internal", patterns: [{ id: "a", regex: "x" }, { id: "b", regex: "(?<=\\$)\\d+" }] }],
      }),
    ).toEqual([
      "custom_profiles.0.patterns.1.regex: RE2 cannot run this pattern: lookbehind ((?<=…) and (?<!…)) is not supported",
      'policies.0.profiles.1: unknown profile "ssn": use a built-in detector (credit_card, iban, us_ssn, email, phone, secrets) or a custom profile\'s id',
    ]);
    expect(problems({ enabled: true, action: "DROP", profiles: ["email"] })).toEqual(["action: must be FLAG, BLOCK or REDACT"]);
    expect(problems({ enabled: true, action: "FLAG" })).toEqual(["profiles: name the profiles the `action` applies to"]);
    expect(problems({ enabled: true, policies: [{ id: "p", profiles: ["email"] }] })).toEqual([
      "policies.0.action: give `action` (FLAG, BLOCK or REDACT) or `actions` per check",
    ]);
    expect(problems({ enabled: true, policies: [{ id: "p", profiles: ["email"], action: "FLAG", actions: { REQUEST: "FLAG" } }] })).toEqual([
      "policies.0.actions: give either `action` (with `check`) or `actions`, not both",
    ]);
    expect(
      problems({
        enabled: true,
        policies: [
          { id: "p", profiles: ["email"], action: "FLAG" },
          { id: "p", profiles: ["email"], action: "FLAG" },
        ],
      }),
    ).toEqual(['policies.1.id: "p" names another policy']);
    expect(problems({ enabled: true, customProfiles: [{ id: "email", keywords: [{ id: "k", words: ["x"] }] }] })).toEqual([
      'customProfiles.0.id: "email" is already a built-in detector',
    ]);
    expect(problems({ enabled: true, customProfiles: [{ id: "c", patterns: [{ id: "k", regex: "x".repeat(1001) }] }] })).toEqual([
      "customProfiles.0.patterns.0.regex: must be at most 1000 characters",
    ]);
  });

  it("caps policies and patterns", () => {
    const policies = Array.from({ length: 21 }, (_, index) => ({ id: `p${index}`, action: "FLAG", profiles: ["email"] }));
    expect(problems({ enabled: true, policies })).toEqual(["policies: at most 20 policies"]);
    const patterns = Array.from({ length: 51 }, (_, index) => ({ id: `x${index}`, regex: "x" }));
    expect(problems({ enabled: true, customProfiles: [{ id: "c", patterns }] })).toEqual(["customProfiles.0.patterns: at most 50 patterns"]);
  });
});

describe("selectPolicies", () => {
  const settings: DlpSettings = {
    enabled: true,
    policies: [
      { id: "pii", enabled: true, profiles: ["email"], actions: { REQUEST: "FLAG" } },
      { id: "cards", enabled: true, profiles: ["credit_card"], actions: { REQUEST: "BLOCK" } },
      { id: "off", enabled: false, profiles: ["phone"], actions: { REQUEST: "BLOCK" } },
    ],
    customProfiles: [],
    headerSelectsPolicies: true,
  };

  it("takes the enabled policies the header names, every enabled one without the header", () => {
    expect(selectPolicies(settings, undefined)).toEqual({ policyIds: ["pii", "cards"] });
    expect(selectPolicies(settings, " cards , off")).toEqual({ policyIds: ["cards"] });
    expect(selectPolicies(settings, "")).toEqual({ policyIds: [] });
  });

  it("refuses a policy the gateway does not have, and ignores the header unless the gateway lets it choose", () => {
    expect(selectPolicies(settings, "cards,nope")).toEqual({
      problem: 'cf-aig-dlp-policies names "nope", which this gateway\'s DLP settings do not have (its policies: pii, cards, off)',
    });
    expect(selectPolicies({ ...settings, headerSelectsPolicies: false }, "nope")).toEqual({ policyIds: ["pii", "cards"] });
  });
});
