import type { ProviderKey } from "@/db/schema";
import { encryptSecret } from "@/lib/crypto/envelope";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { secretPreview } from "./view";

/** The columns a team's or the operator's key keeps its secret in; both tables name them alike. */
export type SecretColumns = Pick<ProviderKey, "secret" | "masterKeyVersion" | "secretStart" | "secretLast4">;

/** A secret sealed under the current master key, with what is kept in the clear to recognise it by. */
export function sealSecretColumns(keyring: MasterKeyring, provider: string, secret: string, aad: string): SecretColumns {
  const sealed = encryptSecret(keyring, secret, aad);
  return { secret: sealed.ciphertext, masterKeyVersion: sealed.masterKeyVersion, ...secretPreview(provider, secret) };
}

/**
 * What a rotation writes: the new secret sealed now, and the key's last status forgotten, as a
 * rejection was the old secret's and would keep the new one out of its pool.
 */
export function rotatedSecretColumns(
  keyring: MasterKeyring,
  provider: string,
  secret: string,
  aad: string,
): SecretColumns & Pick<ProviderKey, "wrappedAt" | "lastStatus" | "updatedAt"> {
  const now = new Date();
  return { ...sealSecretColumns(keyring, provider, secret, aad), wrappedAt: now, lastStatus: null, updatedAt: now };
}
