import { and, eq } from "drizzle-orm";
import { gatewayTokens, playgroundCredentials, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { decryptSecret, encryptSecret } from "@/lib/crypto/envelope";
import { issueGatewayToken } from "@/lib/crypto/gateway-token";
import { masterKeyring } from "@/lib/crypto/keyring";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import type { ServiceContext } from "../context";
import { ForbiddenError } from "../errors";
import { requireRole } from "../roles";

/** Binds a stored playground secret to its user and team, so rows cannot be swapped. */
export function playgroundSecretAad(teamId: string, userId: string): string {
  return `playground:${teamId}:${userId}`;
}

/** The name the playground's token gets in the team's token list, so admins know what it is. */
export function playgroundTokenName(email: string): string {
  return `Playground · ${email}`.slice(0, 100);
}

/**
 * Requires a signed-in user who may spend the team's provider keys: viewers may look but not send.
 * Returns the user's id.
 */
export async function requirePlaygroundUser(ctx: ServiceContext, teamId: string): Promise<string> {
  if (ctx.actor.type !== "user") throw new ForbiddenError("the playground is for signed-in users");
  try {
    await requireRole(ctx, teamId, "member");
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    throw new ForbiddenError(
      "Viewers can't send playground requests: they are billed to the team's provider keys. Ask an admin of the team for the member role.",
    );
  }
  return ctx.actor.userId;
}

/**
 * The gateway token the playground sends on the signed-in user's behalf, created on first use and
 * again when an admin revoked it (or it expired). It is an ordinary team token, listed as
 * "Playground · {email}" with the user as creator, so it can be seen and revoked like any other.
 * Members may use the playground, so this does not take the admin role that issuing tokens takes;
 * the token never leaves the server.
 */
export async function playgroundToken({
  ctx,
  teamId,
  keyring = masterKeyring(),
}: {
  ctx: ServiceContext;
  teamId: string;
  keyring?: MasterKeyring;
}): Promise<{ token: string; tokenId: string }> {
  const userId = await requirePlaygroundUser(ctx, teamId);
  const aad = playgroundSecretAad(teamId, userId);

  // Two requests of the same user can race to create it; the loser reads the winner's.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [stored] = await ctx.db
      .select({ credential: playgroundCredentials, token: gatewayTokens })
      .from(playgroundCredentials)
      .innerJoin(gatewayTokens, eq(gatewayTokens.id, playgroundCredentials.tokenId))
      .where(and(eq(playgroundCredentials.userId, userId), eq(playgroundCredentials.teamId, teamId)))
      .limit(1);
    if (stored) {
      const { credential, token } = stored;
      const usable = !token.revokedAt && (!token.expiresAt || token.expiresAt.getTime() > Date.now());
      if (usable) {
        const secret = decryptSecret(keyring, { ciphertext: credential.secret, masterKeyVersion: credential.masterKeyVersion }, aad);
        return { token: secret, tokenId: token.id };
      }
      // The revoked token row stays, as revoked tokens do; only the playground's pointer to it goes.
      await ctx.db
        .delete(playgroundCredentials)
        .where(and(eq(playgroundCredentials.userId, userId), eq(playgroundCredentials.teamId, teamId), eq(playgroundCredentials.tokenId, token.id)));
    }
    const created = await createPlaygroundToken(ctx, teamId, userId, keyring, aad);
    if (created) return created;
  }
  throw new Error("could not create the playground token: concurrent requests kept replacing it");
}

class LostRace extends Error {}

async function createPlaygroundToken(
  ctx: ServiceContext,
  teamId: string,
  userId: string,
  keyring: MasterKeyring,
  aad: string,
): Promise<{ token: string; tokenId: string } | undefined> {
  const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  const issued = issueGatewayToken();
  const tokenId = newId("tok");
  const sealed = encryptSecret(keyring, issued.token, aad);
  try {
    // Through the directory's change feed, so the gateway knows the new token on its first use.
    await changeDirectory(ctx.db, teamId, async (tx) => {
      await tx.insert(gatewayTokens).values({
        id: tokenId,
        teamId,
        name: playgroundTokenName(user?.email ?? userId),
        tokenHash: issued.hash,
        start: issued.start,
        last4: issued.last4,
        gatewayIds: null,
        createdBy: userId,
      });
      const inserted = await tx
        .insert(playgroundCredentials)
        .values({ userId, teamId, tokenId, secret: sealed.ciphertext, masterKeyVersion: sealed.masterKeyVersion })
        .onConflictDoNothing()
        .returning({ tokenId: playgroundCredentials.tokenId });
      // Another request stored one first: roll back this token so the team's list holds one.
      if (inserted.length === 0) throw new LostRace();
      await recordAudit({ ...ctx, db: tx }, { teamId, action: "token.create", targetType: "token", targetId: tokenId, targetLabel: playgroundTokenName(user?.email ?? userId), details: { playground: true } });
    });
  } catch (error) {
    if (error instanceof LostRace) return undefined;
    throw error;
  }
  return { token: issued.token, tokenId };
}
