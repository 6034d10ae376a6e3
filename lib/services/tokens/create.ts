import { z } from "zod";
import { gatewayTokens } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { issueGatewayToken } from "@/lib/crypto/gateway-token";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { InvalidInputError, NotFoundError } from "../errors";
import { requireRole } from "../roles";
import { parseInput } from "../validation";
import { gatewaySlugsById, toTokenView, type GatewayTokenView } from "./view";

const input = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  gatewaySlugs: z.array(z.string()).optional(),
  expiresAt: z.date().optional(),
});

/**
 * Issues a gateway token, limited to some gateways when `gatewaySlugs` is given (none given means
 * all of the team's). The plaintext `token` is returned only here; only its hash is stored.
 */
export async function createGatewayToken({
  ctx,
  teamId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  name: string;
  gatewaySlugs?: string[];
  expiresAt?: Date;
}): Promise<{ token: string; record: GatewayTokenView }> {
  const { name, gatewaySlugs, expiresAt } = parseInput(input, raw);
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new InvalidInputError({ field: "expiresAt", message: "must be in the future" });
  await requireRole(ctx, teamId, "admin");

  const slugById = await gatewaySlugsById(ctx.db, teamId);
  const idBySlug = new Map([...slugById].map(([id, slug]) => [slug, id]));
  const wanted = gatewaySlugs?.length ? [...new Set(gatewaySlugs)] : null;
  const gatewayIds = wanted?.map((slug) => {
    const id = idBySlug.get(slug);
    if (!id) throw new NotFoundError(`gateway "${slug}" not found`);
    return id;
  });

  const issued = issueGatewayToken();
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [inserted] = await tx
      .insert(gatewayTokens)
      .values({
        id: newId("tok"),
        teamId,
        name,
        tokenHash: issued.hash,
        start: issued.start,
        last4: issued.last4,
        gatewayIds: gatewayIds ?? null,
        createdBy: ctx.actor.type === "user" ? ctx.actor.userId : null,
        expiresAt: expiresAt ?? null,
      })
      .returning();
    await recordAudit({ ...ctx, db: tx }, {
      teamId,
      action: "token.create",
      targetType: "token",
      targetId: inserted!.id,
      targetLabel: name,
      details: { gateways: wanted, expiresAt: expiresAt?.toISOString() ?? null, preview: `${issued.start}…${issued.last4}` },
    });
    return inserted!;
  });
  return { token: issued.token, record: toTokenView(row, slugById) };
}
