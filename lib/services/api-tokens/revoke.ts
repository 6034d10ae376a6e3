import { and, eq, sql } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { toApiTokenView, type ApiTokenView } from "./view";

/** Revokes an API token at once, on the gateway too; revoking it again keeps the first revocation time. */
export async function revokeApiToken({ ctx, teamId, tokenId }: { ctx: ServiceContext; teamId: string; tokenId: string }): Promise<ApiTokenView> {
  await requireRole(ctx, teamId, "admin");
  // The gateway holds run-scoped tokens in its snapshot of the team, which the change drops.
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
      .where(and(eq(apiTokens.teamId, teamId), eq(apiTokens.id, tokenId)))
      .returning();
    if (!revoked) throw new NotFoundError(`API token ${tokenId} not found`);
    await recordAudit(
      { ...ctx, db: tx },
      { teamId, action: "api_token.revoke", targetType: "api_token", targetId: revoked.id, targetLabel: revoked.name },
    );
    return revoked;
  });
  const [creator] = row.createdBy ? await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, row.createdBy)) : [];
  return toApiTokenView(row, creator?.email ?? null);
}
