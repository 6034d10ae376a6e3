import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface MasterKeyring {
  /** Version used for new encryptions. */
  current: string;
  keys: Map<string, Buffer>;
}

/**
 * Parses `v1:base64,v2:base64`, or one entry per line as in `master.key`; the last entry is
 * current (it wraps new keys and `keys rewrap` moves every key to it).
 */
export function parseMasterKeys(spec: string): MasterKeyring {
  const keys = new Map<string, Buffer>();
  let current = "";
  for (const part of spec.split(/[,\s]+/).filter(Boolean)) {
    const sep = part.indexOf(":");
    if (sep <= 0) throw new Error("SWITCHYARD_MASTER_KEYS entries must look like v1:<base64 of 32 bytes>");
    const version = part.slice(0, sep);
    const key = Buffer.from(part.slice(sep + 1), "base64");
    if (key.length !== 32) throw new Error(`master key ${version} must be 32 bytes of base64, got ${key.length} bytes`);
    // A second key under one version would make the first one's secrets undecryptable.
    if (keys.has(version)) throw new Error(`master key ${version} is listed twice; give the new key a new version`);
    keys.set(version, key);
    current = version;
  }
  if (!current) throw new Error("SWITCHYARD_MASTER_KEYS is set but holds no key");
  return { current, keys };
}

/**
 * The keyring from the environment or, when absent, from `<dataDir>/master.key`, generated on
 * first run with 0600 permissions so a fresh clone works without setup.
 */
export function loadMasterKeys(spec: string | undefined, dataDir: string): MasterKeyring {
  if (spec) return parseMasterKeys(spec);
  const file = path.join(dataDir, "master.key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `v1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  return parseMasterKeys(readFileSync(file, "utf8"));
}
