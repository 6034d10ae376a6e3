import { and, count, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import { customProviders, providerKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { providerKeyAad } from "@/lib/crypto/envelope";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import { CUSTOM_PROVIDER_PREFIX, isCustomProviderSlug, providers } from "@/lib/providers";
import type { ProviderSpec } from "@/lib/providers/types";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";
import { assertPublicBaseUrl } from "../public-base-url";
import { requireRole } from "../roles";
import { httpUrl, parseInput } from "../validation";
import { sealSecretColumns } from "./seal";
import { describeScope, toKeyView, type ProviderKeyView } from "./view";

export const providerKeySecretSchema = z.string().trim().min(1, "must not be empty");

const WEIGHT_MAX = 1000;
const weightProblem = `must be a whole number from 1 to ${WEIGHT_MAX}`;
/** A key's share of its pool's requests, relative to its other keys' weights. */
export const providerKeyWeightSchema = z.int(weightProblem).min(1, weightProblem).max(WEIGHT_MAX, weightProblem);

// Part of the encryption's AAD, which uses ":" as separator, and of the `cf-aig-byok-alias` header.
export const providerKeyAliasSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "use 1–64 letters, digits, hyphens and underscores")
  .default("default");

const input = z.object({
  provider: z.string().trim().min(1, "must not be empty"),
  secret: providerKeySecretSchema,
  alias: providerKeyAliasSchema,
  gatewaySlug: z.string().optional(),
  baseUrl: httpUrl.optional(),
  pool: z.boolean().default(false),
  weight: providerKeyWeightSchema.default(1),
});

/** A secret some providers read as a structured credential (Bedrock's JSON) must be one, or no request could use it. */
export function assertUsableSecret(provider: string, secret: string): void {
  const problem = providers.get(provider)?.keyProblem?.(secret);
  if (problem) throw new InvalidInputError({ field: "secret", message: problem });
}

/** A key of a catalog provider (not a custom one) that requests can use: a secret the provider reads, and a base URL where it has none of its own. */
export function assertCatalogProviderKey(spec: ProviderSpec, baseUrl: string | undefined, secret: string): void {
  assertUsableSecret(spec.slug, secret);
  if (spec.baseUrl === null && !baseUrl && !spec.baseUrlOfKey?.(secret)) {
    const instead = spec.secretHint ? `, or a secret that names it: ${spec.secretHint}` : "";
    throw new InvalidInputError({ field: "baseUrl", message: `${spec.name} keys need a base URL, like ${spec.baseUrlHint}${instead}` });
  }
}

async function assertKnownProvider(db: Database, teamId: string, provider: string, baseUrl: string | undefined, secret: string) {
  const spec = providers.get(provider);
  if (spec) return assertCatalogProviderKey(spec, baseUrl, secret);
  if (!isCustomProviderSlug(provider)) {
    const known = [...providers.keys()].join(", ");
    throw new InvalidInputError({
      field: "provider",
      message: `unknown provider "${provider}"; use one of ${known}, or ${CUSTOM_PROVIDER_PREFIX}{slug} for a custom provider of the team`,
    });
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
 * Stores a provider key, encrypted, for the whole team or for one gateway. A key whose scope,
 * provider and alias are taken already is refused unless `pool` says to add it to their pool
 * (with its `weight`): two keys under one alias by mistake would split the traffic silently.
 * `keyring` defaults to the process's master keyring, `allowPrivateUpstreams` to the deployment's setting.
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
  /** Add it to the pool of keys already under this alias (or start one). */
  pool?: boolean;
  weight?: number;
  keyring?: MasterKeyring;
  allowPrivateUpstreams?: boolean;
}): Promise<ProviderKeyView> {
  const { provider, secret, alias, gatewaySlug, baseUrl, pool, weight } = parseInput(input, raw);
  await requireRole(ctx, teamId, "admin");
  await assertKnownProvider(ctx.db, teamId, provider, baseUrl, secret);
  if (baseUrl) await assertPublicBaseUrl(baseUrl, allowPrivateUpstreams);
  const gateway = gatewaySlug ? await findGateway(ctx.db, teamId, gatewaySlug) : null;

  const sealed = sealSecretColumns(keyring, provider, secret, providerKeyAad(teamId, provider, alias));
  const key = await changeDirectory(ctx.db, teamId, async (tx) => {
    // Two adds to one alias at once must not both see it free.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`provider-key-pool:${teamId}:${gateway?.id ?? ""}:${provider}:${alias}`}))`);
    const [existing] = await tx
      .select({ count: count() })
      .from(providerKeys)
      .where(
        and(
          eq(providerKeys.teamId, teamId),
          eq(providerKeys.provider, provider),
          eq(providerKeys.alias, alias),
          gateway ? eq(providerKeys.gatewayId, gateway.id) : isNull(providerKeys.gatewayId),
        ),
      );
    if (existing && existing.count > 0 && !pool) {
      throw new ConflictError(
        `the ${provider} key "${alias}" ${describeScope(gatewaySlug)} already exists; rotate or remove it, ` +
          `add this one to its pool (the form's "Add to the pool", the CLI's --pool), or pick another alias`,
      );
    }
    const [inserted] = await tx
      .insert(providerKeys)
      .values({
        id: newId("pk"),
        teamId,
        gatewayId: gateway?.id ?? null,
        provider,
        alias,
        ...sealed,
        baseUrl,
        weight,
      })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "provider_key.create",
      targetType: "provider_key",
      targetId: inserted!.id,
      targetLabel: `${provider} "${alias}"`,
      details: { provider, alias, gateway: gateway?.slug ?? null, baseUrl: baseUrl ?? null, pool, weight, preview: toKeyView(inserted!, null).preview },
    });
    return inserted!;
  });
  return toKeyView(key, gateway?.slug ?? null);
}
