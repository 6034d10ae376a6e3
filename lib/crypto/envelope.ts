import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { MasterKeyring } from "./master-keys";

const IV_BYTES = 12;
const TAG_BYTES = 16;

function seal(key: Buffer, data: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(aad));
  return Buffer.concat([iv, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(aad)).setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

export interface SealedSecret {
  /** `base64(wrapped data key).base64(sealed secret)` */
  ciphertext: string;
  masterKeyVersion: string;
}

/**
 * Envelope encryption: a fresh data key per secret, wrapped by the current master key. `aad`
 * binds the ciphertext to its row (team, provider, alias), so rows cannot be swapped.
 */
export function encryptSecret(ring: MasterKeyring, plaintext: string, aad: string): SealedSecret {
  const master = ring.keys.get(ring.current)!;
  const dataKey = randomBytes(32);
  const wrapped = seal(master, dataKey, `dek:${aad}`);
  const body = seal(dataKey, Buffer.from(plaintext, "utf8"), aad);
  return { ciphertext: `${wrapped.toString("base64")}.${body.toString("base64")}`, masterKeyVersion: ring.current };
}

/** The secret's data key, unwrapped by the master key it names, and the still-sealed secret (base64). */
function unwrapDataKey(ring: MasterKeyring, sealed: SealedSecret, aad: string): { dataKey: Buffer; body: string } {
  const master = ring.keys.get(sealed.masterKeyVersion);
  if (!master) throw new Error(`master key ${sealed.masterKeyVersion} is not configured`);
  const [wrapped, body] = sealed.ciphertext.split(".");
  if (!wrapped || !body) throw new Error("malformed sealed secret");
  return { dataKey: open(master, Buffer.from(wrapped, "base64"), `dek:${aad}`), body };
}

export function decryptSecret(ring: MasterKeyring, sealed: SealedSecret, aad: string): string {
  const { dataKey, body } = unwrapDataKey(ring, sealed, aad);
  return open(dataKey, Buffer.from(body, "base64"), aad).toString("utf8");
}

/**
 * The same secret with its data key wrapped under the ring's current master key. Only the data key
 * is unwrapped, in memory; the sealed secret is carried over as it is, so the secret itself is
 * never decrypted.
 */
export function rewrapSecret(ring: MasterKeyring, sealed: SealedSecret, aad: string): SealedSecret {
  const { dataKey, body } = unwrapDataKey(ring, sealed, aad);
  const rewrapped = seal(ring.keys.get(ring.current)!, dataKey, `dek:${aad}`);
  dataKey.fill(0);
  return { ciphertext: `${rewrapped.toString("base64")}.${body}`, masterKeyVersion: ring.current };
}

export function providerKeyAad(teamId: string, provider: string, alias: string): string {
  return `${teamId}:${provider}:${alias}`;
}

/** Distinct from every team's AAD (team ids carry the `team_` prefix), so a team's row cannot pass for the operator's. */
export function operatorKeyAad(provider: string, alias: string): string {
  return `operator-key:${provider}:${alias}`;
}
