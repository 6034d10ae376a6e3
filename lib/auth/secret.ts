import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The key that signs and encrypts session cookies. AUTH_SECRET wins (Auth.js reads it and
 * AUTH_SECRET_1..3 for rotation); otherwise `<dataDir>/auth.secret`, generated on first use with
 * 0600 permissions so a fresh clone signs people in without setup. Several instances behind one
 * load balancer must share the secret: set AUTH_SECRET there.
 */
export function loadAuthSecret(env: Readonly<Record<string, string | undefined>>, dataDir: string): string | undefined {
  if (env.AUTH_SECRET || env.NEXTAUTH_SECRET) return undefined;
  const file = path.join(dataDir, "auth.secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
      chmodSync(file, 0o600);
    } catch (error) {
      // Another process won the race to create it; read theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret; delete it to generate a new one`);
  return secret;
}
