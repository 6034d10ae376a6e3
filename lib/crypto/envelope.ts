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

export function decryptSecret(ring: MasterKeyring, sealed: SealedSecret, aad: string): string {
  const master = ring.keys.get(sealed.masterKeyVersion);
  if (!master) throw new Error(`master key ${sealed.masterKeyVersion} is not configured`);
  const [wrapped, body] = sealed.ciphertext.split(".");
  if (!wrapped || !body) throw new Error("malformed sealed secret");
  const dataKey = open(master, Buffer.from(wrapped, "base64"), `dek:${aad}`);
  return open(dataKey, Buffer.from(body, "base64"), aad).toString("utf8");
}

export function providerKeyAad(teamId: string, provider: string, alias: string): string {
  return `${teamId}:${provider}:${alias}`;
}
