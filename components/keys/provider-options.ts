import type { ProviderOption } from "@/app/(dashboard)/[team]/(pages)/keys/key-forms";
import { providers as catalog } from "@/lib/providers";
import { credentialForm } from "@/lib/providers/credential-fields";

/** The add-key form's choices among the catalog's providers, for a team's keys and the operator's alike. */
export function catalogProviderOptions(): ProviderOption[] {
  return [...catalog.values()].map((spec) => ({
    slug: spec.slug,
    name: spec.name,
    baseUrlHint: spec.baseUrlHint,
    // A key that implies its base URL (Bedrock's region, Workers AI's account id) needs none.
    baseUrlRequired: spec.baseUrl === null && spec.baseUrlOfKey === undefined,
    defaultBaseUrl: spec.baseUrl ?? undefined,
    baseUrlFromKey: spec.baseUrlOfKey !== undefined,
    fields: [...credentialForm(spec.slug).fields],
  }));
}
