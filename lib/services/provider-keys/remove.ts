import { eq } from "drizzle-orm";
import { providerKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { findProviderKey, toKeyView, type ProviderKeySelector, type ProviderKeyView } from "./view";

/** Deletes a stored key and returns what it was. */
export async function removeProviderKey({
  ctx,
  teamId,
  key: selector,
}: {
  ctx: ServiceContext;
  teamId: string;
  key: ProviderKeySelector;
}): Promise<ProviderKeyView> {
  await requireRole(ctx, teamId, "admin");
  const { key, gatewaySlug } = await findProviderKey(ctx.db, teamId, selector);
  const view = toKeyView(key, gatewaySlug);
  await changeDirectory(ctx.db, teamId, async (tx) => {
    await tx.delete(providerKeys).where(eq(providerKeys.id, key.id));
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "provider_key.delete",
      targetType: "provider_key",
      targetId: key.id,
      targetLabel: `${key.provider} "${key.alias}"`,
      details: { gateway: gatewaySlug, preview: view.preview },
    });
  });
  return view;
}
