import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { operatorKeys, type OperatorKey } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { config } from "@/lib/config";
import { operatorKeyAad } from "@/lib/crypto/envelope";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";
import { providers } from "@/lib/providers";
import { changeDirectory, OPERATOR_DIRECTORY } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors";
import { assertCatalogProviderKey, assertUsableSecret, providerKeyAliasSchema, providerKeySecretSchema, providerKeyWeightSchema } from "../provider-keys/add";
import { rotatedSecretColumns, sealSecretColumns } from "../provider-keys/seal";
import { keyPreview } from "../provider-keys/view";
import { assertPublicBaseUrl } from "../public-base-url";
import { httpUrl, parseInput } from "../validation";
import { requireOperator } from "./access";

/** What may be shown of an operator key: never the secret. */
export interface OperatorKeyView {
  id: string;
  provider: string;
  alias: string;
  /** Its first and last four characters, a structured key's description, or "" for none. */
  preview: string;
  baseUrl: string | null;
  weight: number;
  /** `ok`, or `rejected` (out of its pool until rotated); null before its first use. */
  lastStatus: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  masterKeyVersion: string;
}

function toView(key: OperatorKey): OperatorKeyView {
  return {
    id: key.id,
    provider: key.provider,
    alias: key.alias,
    preview: keyPreview(key.secretStart, key.secretLast4),
    baseUrl: key.baseUrl,
    weight: key.weight,
    lastStatus: key.lastStatus,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    masterKeyVersion: key.masterKeyVersion,
  };
}

const addInput = z.object({
  provider: z.string().trim().min(1, "must not be empty"),
  secret: providerKeySecretSchema,
  alias: providerKeyAliasSchema,
  baseUrl: httpUrl.optional(),
  pool: z.boolean().default(false),
  weight: providerKeyWeightSchema.default(1),
});

/**
 * Stores a key of the operator's, encrypted, for every team without a key of its own. As with a
 * team's keys, a provider and alias taken already is refused unless `pool` adds it to their pool.
 * Only catalog providers: a custom provider belongs to one team.
 */
export async function addOperatorKey({
  ctx,
  keyring = masterKeyring(),
  allowPrivateUpstreams = config().allowPrivateUpstreams,
  ...raw
}: {
  ctx: ServiceContext;
  provider: string;
  secret: string;
  alias?: string;
  baseUrl?: string;
  pool?: boolean;
  weight?: number;
  keyring?: MasterKeyring;
  allowPrivateUpstreams?: boolean;
}): Promise<OperatorKeyView> {
  const { provider, secret, alias, baseUrl, pool, weight } = parseInput(addInput, raw);
  await requireOperator(ctx, "store operator keys");
  const spec = providers.get(provider);
  if (!spec) throw new InvalidInputError({ field: "provider", message: `unknown provider "${provider}"; use one of ${[...providers.keys()].join(", ")}` });
  assertCatalogProviderKey(spec, baseUrl, secret);
  if (baseUrl) await assertPublicBaseUrl(baseUrl, allowPrivateUpstreams);

  const sealed = sealSecretColumns(keyring, provider, secret, operatorKeyAad(provider, alias));
  const key = await changeDirectory(ctx.db, OPERATOR_DIRECTORY, async (tx) => {
    // Two adds to one alias at once must not both see it free.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`operator-key-pool:${provider}:${alias}`}))`);
    const [existing] = await tx
      .select({ count: count() })
      .from(operatorKeys)
      .where(and(eq(operatorKeys.provider, provider), eq(operatorKeys.alias, alias)));
    if (existing && existing.count > 0 && !pool) {
      throw new ConflictError(
        `the operator's ${provider} key "${alias}" already exists; rotate or remove it, add this one to its pool (the CLI's --pool), or pick another alias`,
      );
    }
    const [inserted] = await tx
      .insert(operatorKeys)
      .values({
        id: newId("opk"),
        provider,
        alias,
        ...sealed,
        baseUrl,
        weight,
      })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId: null,
      action: "operator_key.create",
      targetType: "operator_key",
      targetId: inserted!.id,
      targetLabel: `${provider} "${alias}"`,
      details: { provider, alias, baseUrl: baseUrl ?? null, pool, weight, preview: toView(inserted!).preview },
    });
    return inserted!;
  });
  return toView(key);
}

/** Pool by pool (provider, alias), each pool's keys oldest first. */
export async function listOperatorKeys({ ctx }: { ctx: ServiceContext }): Promise<OperatorKeyView[]> {
  await requireOperator(ctx, "list operator keys");
  const rows = await ctx.db
    .select()
    .from(operatorKeys)
    .orderBy(asc(operatorKeys.provider), asc(operatorKeys.alias), asc(operatorKeys.createdAt), asc(operatorKeys.id));
  return rows.map(toView);
}

async function findOperatorKey(ctx: ServiceContext, id: string): Promise<OperatorKey> {
  const [key] = await ctx.db.select().from(operatorKeys).where(eq(operatorKeys.id, id)).limit(1);
  if (!key) throw new NotFoundError(`operator key ${id} not found`);
  return key;
}

export async function getOperatorKey({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<OperatorKeyView> {
  await requireOperator(ctx, "see operator keys");
  return toView(await findOperatorKey(ctx, id));
}

export async function removeOperatorKey({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<OperatorKeyView> {
  await requireOperator(ctx, "remove operator keys");
  const key = await findOperatorKey(ctx, id);
  const view = toView(key);
  await changeDirectory(ctx.db, OPERATOR_DIRECTORY, async (tx) => {
    await tx.delete(operatorKeys).where(eq(operatorKeys.id, id));
    await recordAudit({ ...ctx, db: tx }, { teamId: null, action: "operator_key.delete", targetType: "operator_key", targetId: id, targetLabel: `${key.provider} "${key.alias}"`, details: { preview: view.preview } });
  });
  return view;
}

/** Replaces an operator key's secret, encrypted under the current master key; its last status (a rejection) is forgotten. */
export async function rotateOperatorKey({
  ctx,
  id,
  secret,
  keyring = masterKeyring(),
}: {
  ctx: ServiceContext;
  id: string;
  secret: string;
  keyring?: MasterKeyring;
}): Promise<OperatorKeyView> {
  const newSecret = parseInput(providerKeySecretSchema, secret);
  await requireOperator(ctx, "rotate operator keys");
  const key = await findOperatorKey(ctx, id);
  assertUsableSecret(key.provider, newSecret);
  const columns = rotatedSecretColumns(keyring, key.provider, newSecret, operatorKeyAad(key.provider, key.alias));
  const rotated = await changeDirectory(ctx.db, OPERATOR_DIRECTORY, async (tx) => {
    const [row] = await tx.update(operatorKeys).set(columns).where(eq(operatorKeys.id, id)).returning();
    if (!row) throw new NotFoundError(`operator key ${id} not found`);
    await recordAudit({ ...ctx, db: tx }, {
      teamId: null,
      action: "operator_key.rotate",
      targetType: "operator_key",
      targetId: id,
      targetLabel: `${key.provider} "${key.alias}"`,
      details: { preview: { from: toView(key).preview, to: toView(row).preview } },
    });
    return row;
  });
  return toView(rotated);
}
