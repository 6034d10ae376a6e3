/**
 * Sets the DLP settings of the bench's `dlp` gateway (team `bench`), which the CLI has no flag for:
 * the built-in detectors' redaction on responses, as a team guarding what its models say would set
 * it. Run by bench/run.ts through tsx, in the store's environment (SWITCHYARD_DATA_DIR, DATABASE_URL).
 */
import { and, eq } from "drizzle-orm";
import { database } from "@/db/client";
import { gateways, teams } from "@/db/schema";
import type { DlpSettings } from "@/lib/dlp/types";
import { changeDirectory } from "@/lib/state/directory-changes";

const DLP: DlpSettings = {
  enabled: true,
  policies: [{ id: "bench", enabled: true, profiles: ["credit_card", "email", "secrets"], actions: { RESPONSE: "REDACT" } }],
  customProfiles: [],
  headerSelectsPolicies: false,
};

const handle = await database();
try {
  const [team] = await handle.db.select().from(teams).where(eq(teams.slug, "bench"));
  if (!team) throw new Error("the bench team does not exist yet");
  await changeDirectory(handle.db, team.id, (tx) => tx.update(gateways).set({ dlp: DLP }).where(and(eq(gateways.teamId, team.id), eq(gateways.slug, "dlp"))));
} finally {
  await handle.close();
}
