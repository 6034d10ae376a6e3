import { eq } from "drizzle-orm";
import { providerKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { providerKeyAad } from "@/lib/crypto/envelope";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { assertUsableSecret, providerKeySecretSchema } from "./add";
import { rotatedSecretColumns } from "./seal";
import { findProviderKey, toKeyView, type ProviderKeySelector, type ProviderKeyView } from "./view";

/** Replaces a stored key's secret, encrypted under the current master key; its last status is forgotten. */
export async function rotateProviderKey({
  ctx,
  teamId,
  key: selector,
  secret,
  keyring = masterKeyring(),
}: {
  ctx: ServiceContext;
  teamId: string;
  key: ProviderKeySelector;
  secret: string;
  keyring?: MasterKeyring;
}): Promise<ProviderKeyView> {
  const newSecret = parseInput(providerKeySecretSchema, secret);
  await requireRole(ctx, teamId, "admin");
  const { key, gatewaySlug } = await findProviderKey(ctx.db, teamId, selector);
  assertUsableSecret(key.provider, newSecret);
  const columns = rotatedSecretColumns(keyring, key.provider, newSecret, providerKeyAad(teamId, key.provider, key.alias));
  const rotated = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [row] = await tx.update(providerKeys).set(columns).where(eq(providerKeys.id, key.id)).returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "provider_key.rotate",
      targetType: "provider_key",
      targetId: key.id,
      targetLabel: `${key.provider} "${key.alias}"`,
      details: { gateway: gatewaySlug, preview: { from: toKeyView(key, gatewaySlug).preview, to: toKeyView(row!, gatewaySlug).preview } },
    });
    return row!;
  });
  return toKeyView(rotated, gatewaySlug);
}
