import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { customProviders, providerKeys } from "@/db/schema";
import { config } from "@/lib/config";
import { encryptSecret, providerKeyAad } from "@/lib/crypto/envelope";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import { CUSTOM_PROVIDER_PREFIX, isCustomProviderSlug, providers } from "@/lib/providers";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";
import { assertPublicBaseUrl } from "../public-base-url";
import { requireRole } from "../roles";
import { httpUrl, parseInput } from "../validation";
import { describeScope, secretPreview, toKeyView, type ProviderKeyView } from "./view";

export const providerKeySecretSchema = z.string().trim().min(1, "must not be empty");

const input = z.object({
  provider: z.string().trim().min(1, "must not be empty"),
  secret: providerKeySecretSchema,
  // Part of the encryption's AAD, which uses ":" as separator, and of the `cf-aig-byok-alias` header.
  alias: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1–64 letters, digits, hyphens and underscores")
    .default("default"),
  gatewaySlug: z.string().optional(),
  baseUrl: httpUrl.optional(),
});

/** A secret some providers read as a structured credential (Bedrock's JSON) must be one, or no request could use it. */
export function assertUsableSecret(provider: string, secret: string): void {
  const problem = providers.get(provider)?.keyProblem?.(secret);
  if (problem) throw new InvalidInputError(`secret: ${problem}`);
}

async function assertKnownProvider(db: Database, teamId: string, provider: string, baseUrl: string | undefined, secret: string) {
  const spec = providers.get(provider);
  if (spec) {
    assertUsableSecret(provider, secret);
    if (spec.baseUrl === null && !baseUrl && !spec.baseUrlOfKey?.(secret)) {
      const instead = spec.secretHint ? `, or a secret that names it: ${spec.secretHint}` : "";
      throw new InvalidInputError(`baseUrl: ${spec.name} keys need a base URL, like ${spec.baseUrlHint}${instead}`);
    }
    return;
  }
  if (!isCustomProviderSlug(provider)) {
    const known = [...providers.keys()].join(", ");
    throw new InvalidInputError(
      `provider: unknown provider "${provider}"; use one of ${known}, or ${CUSTOM_PROVIDER_PREFIX}{slug} for a custom provider of the team`,
    );
  }
  const slug = provider.slice(CUSTOM_PROVIDER_PREFIX.length);
  const [custom] = await db
    .select({ id: customProviders.id })
    .from(customProviders)
    .where(and(eq(customProviders.teamId, teamId), eq(customProviders.slug, slug)))
    .limit(1);
  if (!custom) throw new NotFoundError(`custom provider "${provider}" not found`);
}

/**
 * Stores a provider key, encrypted, for the whole team or for one gateway. `keyring` defaults to
 * the process's master keyring, `allowPrivateUpstreams` to the deployment's setting.
 */
export async function addProviderKey({
  ctx,
  teamId,
  keyring = masterKeyring(),
  allowPrivateUpstreams = config().allowPrivateUpstreams,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  provider: string;
  secret: string;
  alias?: string;
  gatewaySlug?: string;
  baseUrl?: string;
  keyring?: MasterKeyring;
  allowPrivateUpstreams?: boolean;
}): Promise<ProviderKeyView> {
  const { provider, secret, alias, gatewaySlug, baseUrl } = parseInput(input, raw);
  await requireRole(ctx, teamId, "admin");
  await assertKnownProvider(ctx.db, teamId, provider, baseUrl, secret);
  if (baseUrl) await assertPublicBaseUrl(baseUrl, allowPrivateUpstreams);
  const gateway = gatewaySlug ? await findGateway(ctx.db, teamId, gatewaySlug) : null;

  const sealed = encryptSecret(keyring, secret, providerKeyAad(teamId, provider, alias));
  const key = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [inserted] = await tx
      .insert(providerKeys)
      .values({
        id: newId("pk"),
        teamId,
        gatewayId: gateway?.id ?? null,
        provider,
        alias,
        secret: sealed.ciphertext,
        masterKeyVersion: sealed.masterKeyVersion,
        ...secretPreview(provider, secret),
        baseUrl,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      throw new ConflictError(
        `the ${provider} key "${alias}" ${describeScope(gatewaySlug)} already exists; remove it or rotate its secret`,
      );
    }
    return inserted;
  });
  return toKeyView(key, gateway?.slug ?? null);
}
