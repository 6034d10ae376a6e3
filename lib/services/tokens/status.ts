/** A token's state, for a gateway token and an API token alike: a revoked one stays revoked past its expiry. */
export function tokenStatus(token: { revokedAt: Date | null; expiresAt: Date | null }, now = Date.now()): "active" | "revoked" | "expired" {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt.getTime() <= now) return "expired";
  return "active";
}
