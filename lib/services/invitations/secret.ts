import { createHash, randomBytes } from "node:crypto";
import { and, gt, isNull, type SQL } from "drizzle-orm";
import { invitations, type Invitation } from "@/db/schema";

// Like gateway tokens: 256 random bits, only the SHA-256 stored, a prefix that says what it is.
const SECRET_PREFIX = "inv_";
const SECRET_PATTERN = /^inv_[A-Za-z0-9_-]{43}$/;

export function issueInvitationSecret(): { secret: string; hash: string } {
  const secret = SECRET_PREFIX + randomBytes(32).toString("base64url");
  return { secret, hash: hashInvitationSecret(secret) };
}

export function hashInvitationSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Anything else cannot be one of ours, so it is refused before the database is asked. */
export function isInvitationSecretShaped(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

export function invitationStatus(invitation: Invitation, now = new Date()): InvitationStatus {
  if (invitation.acceptedAt) return "accepted";
  if (invitation.revokedAt) return "revoked";
  if (invitation.expiresAt <= now) return "expired";
  return "pending";
}

/** Rows still usable: not accepted, not revoked, not expired. */
export function isPending(now = new Date()): SQL {
  return and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now))!;
}

export function invitationPath(secret: string): string {
  return `/invite/${secret}`;
}
