import { and, eq } from "drizzle-orm";
import { apiTokens, memberships, type ApiToken, type Role } from "@/db/schema";
import { lowerRole, roleAtLeast } from "../roles";

/** Joins an API token to its creator's membership of the token's team: none once they left, nor for a token the operator made. */
export const creatorMembership = and(eq(memberships.teamId, apiTokens.teamId), eq(memberships.userId, apiTokens.createdBy));

/**
 * The role an API token acts with now: the lower of its own and its creator's current role in the
 * team (`creatorRole`, from `creatorMembership`); null once the creator left the team. A token the
 * operator made has no creator and acts with its own role.
 */
export function actingRole(token: Pick<ApiToken, "role" | "createdBy">, creatorRole: Role | null): Role | null {
  if (token.createdBy === null) return token.role;
  return creatorRole === null ? null : lowerRole(token.role, creatorRole);
}

/**
 * The least role with which a `run` token calls the team's gateways: member, as for the playground.
 * A call spends the team's stored provider keys and credits, which a viewer may look at but not spend.
 */
export const RUN_MINIMUM_ROLE: Role = "member";

/** Whether a token acting with `role` (see `actingRole`) may call the team's gateways, given the run scope. */
export function mayRun(role: Role | null): boolean {
  return role !== null && roleAtLeast(role, RUN_MINIMUM_ROLE);
}
