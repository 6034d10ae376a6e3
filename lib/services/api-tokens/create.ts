import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, memberships, roles, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { API_TOKEN_PREFIX, issueToken } from "@/lib/crypto/gateway-token";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ForbiddenError, InvalidInputError } from "../errors";
import { requireRole, roleAtLeast } from "../roles";
import { parseInput } from "../validation";
import { mayRun, RUN_MINIMUM_ROLE } from "./acting-role";
import { API_TOKEN_SCOPES, toApiTokenView, type ApiTokenView } from "./view";

const input = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES))
    .min(1, "give at least one of read, edit, run")
    .transform((scopes) => [...new Set(scopes)]),
  role: z.enum(roles),
  expiresAt: z.date().optional(),
});

/**
 * Issues a team API token with `scopes` and at most `role`, which may not be above the creator's own
 * role. The plaintext `token` is returned only here; only its hash is stored.
 */
export async function createApiToken({
  ctx,
  teamId,
  ...raw
}: {
  ctx: ServiceContext;
  teamId: string;
  name: string;
  scopes: string[];
  role: string;
  expiresAt?: Date;
}): Promise<{ token: string; record: ApiTokenView }> {
  const { name, scopes, role, expiresAt } = parseInput(input, raw);
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new InvalidInputError({ field: "expiresAt", message: "must be in the future" });
  if (scopes.includes("run") && !mayRun(role)) {
    throw new InvalidInputError({ field: "role", message: `must be ${RUN_MINIMUM_ROLE} or above for the run scope: calling gateways spends the team's keys and credits` });
  }
  const { actor } = ctx;
  // A token minting tokens would outlive its own revocation.
  if (actor.type === "api_token") throw new ForbiddenError("API tokens are created in the dashboard or with the CLI, not with an API token");
  await requireRole(ctx, teamId, "admin");
  const creator = actor.type === "user" ? await creatorOf(ctx, teamId, actor.userId) : null;
  if (creator && !roleAtLeast(creator.role, role)) {
    throw new InvalidInputError({ field: "role", message: `cannot be above your own role in the team (${creator.role})` });
  }

  const issued = issueToken(API_TOKEN_PREFIX);
  // The gateway accepts run-scoped tokens from its snapshot of the team, which the change renews.
  const row = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [inserted] = await tx
      .insert(apiTokens)
      .values({
        id: newId("apit"),
        teamId,
        name,
        tokenHash: issued.hash,
        start: issued.start,
        last4: issued.last4,
        scopes,
        role,
        createdBy: creator?.userId ?? null,
        expiresAt: expiresAt ?? null,
      })
      .returning();
    await recordAudit(
      { ...ctx, db: tx },
      {
        teamId,
        action: "api_token.create",
        targetType: "api_token",
        targetId: inserted!.id,
        targetLabel: name,
        details: { role, scopes, expiresAt: expiresAt?.toISOString() ?? null },
      },
    );
    return inserted!;
  });
  return { token: issued.token, record: toApiTokenView(row, creator?.email ?? null) };
}

async function creatorOf(ctx: ServiceContext, teamId: string, userId: string): Promise<{ userId: string; email: string; role: Role }> {
  const [row] = await ctx.db
    .select({ email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId)))
    .limit(1);
  // requireRole has just found the membership.
  return { userId, email: row!.email, role: row!.role };
}
