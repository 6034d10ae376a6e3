import { randomBytes } from "node:crypto";
import { parseMasterKeys, type MasterKeyring } from "@/lib/crypto/master-keys";

/** One master keyring per test process, shared by the seeding services and the gateway under test. */
export const testKeyring: MasterKeyring = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);
