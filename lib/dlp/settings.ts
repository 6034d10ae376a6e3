import { z } from "zod";
import { compileCustomPattern } from "./detectors";
import { BUILT_IN_DETECTORS, type DlpAction, type DlpCheck, type DlpCustomProfile, type DlpPolicy, type DlpSettings } from "./types";

export const MAX_DLP_POLICIES = 20;
export const MAX_DLP_CUSTOM_PROFILES = 20;
export const MAX_DLP_PATTERNS = 50;
export const MAX_DLP_KEYWORD_LISTS = 20;
export const MAX_DLP_KEYWORDS = 200;
export const MAX_DLP_KEYWORD_LENGTH = 100;
export const MAX_DLP_REGEX_LENGTH = 1000;

/** The id of the one policy Cloudflare's single-policy shape (`{enabled, action, profiles}`) becomes. */
export const SINGLE_POLICY_ID = "default";

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "use 1–64 letters, digits, `_`, `.` and `-`, starting with a letter or digit");
const action = z.enum(["FLAG", "BLOCK", "REDACT"], { error: "must be FLAG, BLOCK or REDACT" });
const check = z.enum(["REQUEST", "RESPONSE"], { error: "must be REQUEST or RESPONSE" });
const profileIds = z.array(z.string()).min(1, "name at least one profile");

const policySchema = z
  .object({
    id,
    enabled: z.boolean().default(true),
    profiles: profileIds,
    /** Cloudflare's: one action for every check in `check`. */
    action: action.optional(),
    check: z.array(check).min(1, "name REQUEST, RESPONSE or both").optional(),
    /** Switchyard's: an action per check. */
    actions: z.object({ REQUEST: action.optional(), RESPONSE: action.optional() }).strict().optional(),
  })
  .superRefine((policy, context) => {
    if (policy.actions && (policy.action || policy.check)) {
      context.addIssue({ code: "custom", path: ["actions"], message: "give either `action` (with `check`) or `actions`, not both" });
    } else if (!policy.actions && !policy.action) {
      context.addIssue({ code: "custom", path: ["action"], message: "give `action` (FLAG, BLOCK or REDACT) or `actions` per check" });
    } else if (policy.actions && !policy.actions.REQUEST && !policy.actions.RESPONSE) {
      context.addIssue({ code: "custom", path: ["actions"], message: "give an action for REQUEST, RESPONSE or both" });
    }
  })
  .transform((policy): DlpPolicy => {
    const actions: Partial<Record<DlpCheck, DlpAction>> = {};
    if (policy.actions) Object.assign(actions, policy.actions);
    else for (const each of policy.check ?? (["REQUEST", "RESPONSE"] as const)) actions[each] = policy.action;
    return { id: policy.id, enabled: policy.enabled, profiles: [...new Set(policy.profiles)], actions };
  });

const patternSchema = z.object({
  id,
  regex: z
    .string()
    .min(1, "must not be empty")
    .max(MAX_DLP_REGEX_LENGTH, `must be at most ${MAX_DLP_REGEX_LENGTH} characters`)
    .superRefine((regex, context) => {
      if (regex.length > MAX_DLP_REGEX_LENGTH) return;
      const compiled = compileCustomPattern(regex);
      if (!compiled.ok) context.addIssue({ code: "custom", message: compiled.problem });
    }),
});

const keywordListSchema = z
  .object({
    id,
    words: z
      .array(
        z
          .string()
          .refine((word) => word.trim() !== "", "must not be empty")
          .refine((word) => word.length <= MAX_DLP_KEYWORD_LENGTH, `must be at most ${MAX_DLP_KEYWORD_LENGTH} characters`),
      )
      .min(1, "name at least one keyword")
      .max(MAX_DLP_KEYWORDS, `at most ${MAX_DLP_KEYWORDS} keywords`),
    caseSensitive: z.boolean().optional(),
    case_sensitive: z.boolean().optional(),
  })
  .transform((list) => ({
    id: list.id,
    words: [...new Set(list.words.map((word) => word.trim()))],
    caseSensitive: list.caseSensitive ?? list.case_sensitive ?? false,
  }));

const customProfileSchema = z
  .object({
    id,
    name: z.string().max(200, "must be at most 200 characters").optional(),
    patterns: z.array(patternSchema).max(MAX_DLP_PATTERNS, `at most ${MAX_DLP_PATTERNS} patterns`).default([]),
    keywords: z.array(keywordListSchema).max(MAX_DLP_KEYWORD_LISTS, `at most ${MAX_DLP_KEYWORD_LISTS} keyword lists`).default([]),
  })
  .superRefine((profile, context) => {
    if (profile.patterns.length === 0 && profile.keywords.length === 0) {
      context.addIssue({ code: "custom", path: ["patterns"], message: "give at least one pattern or keyword list" });
    }
    const seen = new Set<string>();
    for (const [field, entries] of [["patterns", profile.patterns], ["keywords", profile.keywords]] as const) {
      entries.forEach((entry, index) => {
        if (seen.has(entry.id)) context.addIssue({ code: "custom", path: [field, index, "id"], message: `"${entry.id}" names another entry of this profile` });
        seen.add(entry.id);
      });
    }
  })
  .transform((profile): DlpCustomProfile => ({ ...profile, name: profile.name ?? profile.id }));

/**
 * The gateway's `dlp` setting as the API, the CLI and the settings form send it: Cloudflare's
 * `{enabled, action, profiles}` (one policy, id `default`, on both checks) or `{enabled, policies:
 * [{id, enabled, action, check, profiles}]}`, with Switchyard's `actions: {REQUEST, RESPONSE}` per
 * policy instead of `action` + `check`, `custom_profiles` (or `customProfiles`) and
 * `header_selects_policies` (or `headerSelectsPolicies`). The normalized DlpSettings reads back as
 * itself. A profile id is a built-in detector (`credit_card`, `iban`, `us_ssn`, `email`, `phone`,
 * `secrets`) or a custom profile's id. Each problem names the field (`custom_profiles.0.patterns.1.regex`).
 */
export const dlpSettingsSchema = z
  .object({
    enabled: z.boolean(),
    action: action.optional(),
    profiles: profileIds.optional(),
    policies: z.array(policySchema).max(MAX_DLP_POLICIES, `at most ${MAX_DLP_POLICIES} policies`).optional(),
    custom_profiles: z.array(customProfileSchema).max(MAX_DLP_CUSTOM_PROFILES, `at most ${MAX_DLP_CUSTOM_PROFILES} custom profiles`).optional(),
    customProfiles: z.array(customProfileSchema).max(MAX_DLP_CUSTOM_PROFILES, `at most ${MAX_DLP_CUSTOM_PROFILES} custom profiles`).optional(),
    header_selects_policies: z.boolean().optional(),
    headerSelectsPolicies: z.boolean().optional(),
  })
  .superRefine((input, context) => {
    if (input.policies && (input.action || input.profiles)) {
      context.addIssue({ code: "custom", path: ["policies"], message: "give either `policies` or `action` with `profiles`, not both" });
    } else if (!input.policies && input.profiles && !input.action) {
      context.addIssue({ code: "custom", path: ["action"], message: "give the `action` (FLAG, BLOCK or REDACT) to take on `profiles`" });
    } else if (!input.policies && input.action && !input.profiles) {
      context.addIssue({ code: "custom", path: ["profiles"], message: "name the profiles the `action` applies to" });
    }
    if (input.custom_profiles && input.customProfiles) {
      context.addIssue({ code: "custom", path: ["customProfiles"], message: "give `custom_profiles` or `customProfiles`, not both" });
    }
    const profilesField = input.custom_profiles ? "custom_profiles" : "customProfiles";
    const known = new Set<string>(BUILT_IN_DETECTORS);
    (input.custom_profiles ?? input.customProfiles ?? []).forEach((profile, index) => {
      if (known.has(profile.id)) {
        const what = (BUILT_IN_DETECTORS as readonly string[]).includes(profile.id) ? "a built-in detector" : "another custom profile";
        context.addIssue({ code: "custom", path: [profilesField, index, "id"], message: `"${profile.id}" is already ${what}` });
      }
      known.add(profile.id);
    });
    const unknownProfile = (profile: string) =>
      `unknown profile "${profile}": use a built-in detector (${BUILT_IN_DETECTORS.join(", ")}) or a custom profile's id`;
    input.profiles?.forEach((profile, index) => {
      if (!known.has(profile)) context.addIssue({ code: "custom", path: ["profiles", index], message: unknownProfile(profile) });
    });
    const policyIds = new Set<string>();
    input.policies?.forEach((policy, index) => {
      if (policyIds.has(policy.id)) context.addIssue({ code: "custom", path: ["policies", index, "id"], message: `"${policy.id}" names another policy` });
      policyIds.add(policy.id);
      policy.profiles.forEach((profile, profileIndex) => {
        if (!known.has(profile)) context.addIssue({ code: "custom", path: ["policies", index, "profiles", profileIndex], message: unknownProfile(profile) });
      });
    });
  })
  .transform(
    (input): DlpSettings => ({
      enabled: input.enabled,
      policies:
        input.policies ??
        (input.action && input.profiles
          ? [{ id: SINGLE_POLICY_ID, enabled: true, profiles: [...new Set(input.profiles)], actions: { REQUEST: input.action, RESPONSE: input.action } }]
          : []),
      customProfiles: input.custom_profiles ?? input.customProfiles ?? [],
      headerSelectsPolicies: input.header_selects_policies ?? input.headerSelectsPolicies ?? false,
    }),
  );

/** The request header that chooses policies when the gateway's `headerSelectsPolicies` allows it. */
export const DLP_POLICIES_HEADER = "cf-aig-dlp-policies";

/**
 * Which policies apply to a request: every enabled one, or, when the gateway lets the
 * `cf-aig-dlp-policies` header choose and the request sends it, the enabled policies it names
 * (comma-separated ids; an empty header means none). A header naming a policy the gateway does not
 * have is the client's mistake: `{ problem }` is the message the gateway returns as a 400. The
 * header is ignored unless the gateway allows it, as Cloudflare ignores unknown headers.
 */
export function selectPolicies(settings: DlpSettings, headerValue: string | undefined): { policyIds: string[] } | { problem: string } {
  const enabled = settings.policies.filter((policy) => policy.enabled).map((policy) => policy.id);
  if (!settings.headerSelectsPolicies || headerValue === undefined) return { policyIds: enabled };
  const named = [...new Set(headerValue.split(",").map((part) => part.trim()).filter((part) => part !== ""))];
  const unknown = named.filter((policyId) => !settings.policies.some((policy) => policy.id === policyId));
  if (unknown.length > 0) {
    const list = settings.policies.map((policy) => policy.id).join(", ") || "none";
    return { problem: `${DLP_POLICIES_HEADER} names ${unknown.map((policyId) => `"${policyId}"`).join(", ")}, which this gateway's DLP settings do not have (its policies: ${list})` };
  }
  return { policyIds: named.filter((policyId) => enabled.includes(policyId)) };
}
