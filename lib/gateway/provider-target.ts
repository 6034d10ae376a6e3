import { CUSTOM_PROVIDER_PREFIX, isCustomProviderSlug, providers, type ProviderSpec } from "@/lib/providers";
import { openAiCompatible } from "@/lib/providers/types";
import type { GatewayDirectory } from "@/lib/state/directory";

/** A provider as the gateway calls it: a catalog entry or one of the team's custom providers. */
export type ProviderTarget = ProviderSpec;

/** The provider a path segment or model prefix names; undefined when neither the catalog nor the team has it. */
export async function findProvider(slug: string, teamId: string, directory: GatewayDirectory): Promise<ProviderTarget | undefined> {
  const known = providers.get(slug);
  if (known) return known;
  if (!isCustomProviderSlug(slug)) return undefined;
  const custom = await directory.customProvider(teamId, slug.slice(CUSTOM_PROVIDER_PREFIX.length));
  if (!custom) return undefined;
  // Custom providers speak OpenAI's format under their base URL (reference §1.2.1).
  return openAiCompatible({ slug, name: slug, baseUrl: custom.baseUrl });
}
