import { eq } from "drizzle-orm";
import { z } from "zod";
import { providerKeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { providerKeyWeightSchema } from "./add";
import { findProviderKey, toKeyView, type ProviderKeySelector, type ProviderKeyView } from "./view";

/** Sets a stored key's share of its pool's requests. */
export async function setProviderKeyWeight({
  ctx,
  teamId,
  key: selector,
  weight,
}: {
  ctx: ServiceContext;
  teamId: string;
  key: ProviderKeySelector;
  weight: number;
}): Promise<ProviderKeyView> {
  const { weight: newWeight } = parseInput(z.object({ weight: providerKeyWeightSchema }), { weight });
  await requireRole(ctx, teamId, "admin");
  const { key, gatewaySlug } = await findProviderKey(ctx.db, teamId, selector);
  const updated = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [row] = await tx.update(providerKeys).set({ weight: newWeight, updatedAt: new Date() }).where(eq(providerKeys.id, key.id)).returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "provider_key.update",
      targetType: "provider_key",
      targetId: key.id,
      targetLabel: `${key.provider} "${key.alias}"`,
      details: { weight: { from: key.weight, to: newWeight } },
    });
    return row!;
  });
  return toKeyView(updated, gatewaySlug);
}
