import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// 128·N·r = 32 MiB and tens of milliseconds per hash: slow for guessing, fine for a sign-in.
const COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 64;

function derive(password: string, salt: Buffer, keylen: number, cost: ScryptCost): Promise<Buffer> {
  // Node's default memory ceiling equals exactly what N=2^15, r=8 needs, and scrypt refuses at the ceiling.
  const maxmem = 2 * 128 * cost.N * cost.r;
  // NFKC so the same password typed on different keyboards (composed or decomposed accents) matches.
  const input = password.normalize("NFKC");
  return new Promise((resolve, reject) =>
    scrypt(input, salt, keylen, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$saltB64$hashB64`: the cost travels with the hash, so it can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !N || !r || !p || !salt || !hash || rest.length > 0) {
    throw new Error("unrecognised password hash format");
  }
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}
