import type { ApiToken, Role } from "@/db/schema";
import type { ApiTokenScope } from "../context";

/** read: GET requests; edit: changes (and reads); run: calling the team's gateways. */
export const API_TOKEN_SCOPES = ["read", "edit", "run"] as const satisfies readonly ApiTokenScope[];

/** What may be shown of an API token after creation: never its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  start: string;
  last4: string;
  scopes: ApiTokenScope[];
  role: Role;
  /** The creating user's email; null for the operator (CLI). */
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function toApiTokenView(token: ApiToken, creatorEmail: string | null): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    start: token.start,
    last4: token.last4,
    scopes: token.scopes,
    role: token.role,
    createdBy: creatorEmail,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}
