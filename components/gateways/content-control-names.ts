import type { BuiltInDetector } from "@/lib/dlp/types";
import type { GuardrailCategory } from "@/lib/guardrails/types";

/** Cloudflare's names for its guardrail categories (reference §8.1), as its dashboard shows them. */
export const GUARDRAIL_CATEGORY_NAMES: Record<GuardrailCategory, string> = {
  S1: "Violent Crimes",
  S2: "Non-Violent Crimes",
  S3: "Sex-Related Crimes",
  S4: "Child Sexual Exploitation",
  S5: "Defamation",
  S6: "Specialized Advice",
  S7: "Privacy",
  S8: "Intellectual Property",
  S9: "Indiscriminate Weapons",
  S10: "Hate",
  S11: "Suicide & Self-Harm",
  S12: "Sexual Content",
  S13: "Elections",
  P1: "Prompt Injection",
};

export const DLP_DETECTOR_NAMES: Record<BuiltInDetector, string> = {
  credit_card: "Card numbers (Luhn-checked)",
  iban: "IBANs",
  us_ssn: "US Social Security numbers",
  email: "Email addresses",
  phone: "Phone numbers",
  secrets: "Secrets: OpenAI, Anthropic, AWS and GitHub keys, private keys, JWTs",
};

/** A category's code and name, e.g. "S1 Violent Crimes"; an unknown code as it is. */
export function guardrailCategoryLabel(code: string): string {
  const name = GUARDRAIL_CATEGORY_NAMES[code as GuardrailCategory];
  return name ? `${code} ${name}` : code;
}
