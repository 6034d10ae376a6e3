import { desc, eq } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import type { ServiceContext } from "../context";
import { requireRole } from "../roles";
import { toApiTokenView, type ApiTokenView } from "./view";

/** The team's API tokens, newest first, revoked and expired ones included. */
export async function listApiTokens({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<ApiTokenView[]> {
  await requireRole(ctx, teamId, "admin");
  const rows = await ctx.db
    .select({ token: apiTokens, creatorEmail: users.email })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.teamId, teamId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map((row) => toApiTokenView(row.token, row.creatorEmail));
}
