import { config } from "@/lib/config";
import { loadMasterKeys, type MasterKeyring } from "./master-keys";

let ring: MasterKeyring | undefined;

/** The process's master keyring, loaded once from configuration. */
export function masterKeyring(): MasterKeyring {
  ring ??= loadMasterKeys(config().masterKeys, config().dataDir);
  return ring;
}
