import { z } from "zod";
import { customProviders, type CustomProvider } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import { CUSTOM_PROVIDER_PREFIX } from "@/lib/providers";
import type { ServiceContext } from "../context";
import { ConflictError } from "../errors";
import { assertPublicBaseUrl } from "../public-base-url";
import { requireRole } from "../roles";
import { httpUrl, parseInput } from "../validation";

const input = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "use 1–64 lowercase letters, digits and hyphens, not starting with a hyphen"),
  name: z.string().trim().min(1).max(100).optional(),
  baseUrl: httpUrl,
  description: z.string().trim().max(500).optional(),
});

/**
 * Adds an upstream of the team's own, reached as `custom-{slug}` (reference §1.2.1).
 * `allowPrivateUpstreams` defaults to the deployment's setting.
 */
export async function createCustomProvider({
  ctx,
  teamId,
  allowPrivateUpstreams = config().allowPrivateUpstreams,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  slug: string;
  name?: string;
  baseUrl: string;
  description?: string;
  allowPrivateUpstreams?: boolean;
}): Promise<CustomProvider> {
  const { slug, name, baseUrl, description } = parseInput(input, raw);
  const team = await requireRole(ctx, teamId, "admin");
  await assertPublicBaseUrl(baseUrl, allowPrivateUpstreams);
  return changeDirectory(ctx.db, team.id, async (tx) => {
    const [provider] = await tx
      .insert(customProviders)
      .values({ id: newId("cp"), teamId: team.id, slug, name: name ?? slug, baseUrl, description })
      .onConflictDoNothing()
      .returning();
    if (!provider) {
      throw new ConflictError(`custom provider "${CUSTOM_PROVIDER_PREFIX}${slug}" already exists in team "${team.slug}"`);
    }
    await recordAudit({ ...ctx, db: tx }, {
      teamId: team.id,
      action: "custom_provider.create",
      targetType: "custom_provider",
      targetId: provider.id,
      targetLabel: `${CUSTOM_PROVIDER_PREFIX}${slug}`,
      details: { name: provider.name, baseUrl, description: description ?? null },
    });
    return provider;
  });
}
