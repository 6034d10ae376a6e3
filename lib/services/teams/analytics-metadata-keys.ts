import { z } from "zod";
import type { Team } from "@/db/schema";
import type { ServiceContext } from "../context";
import { parseInput } from "../validation";
import { updateTeamSetting } from "./update-setting";

/** The most metadata keys a team breaks its analytics down by: each one adds rollup rows to every logged request that carries it. */
export const ANALYTICS_METADATA_KEYS_MAX = 3;

const input = z.object({
  analyticsMetadataKeys: z
    .array(z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters"))
    .max(ANALYTICS_METADATA_KEYS_MAX, `must be at most ${ANALYTICS_METADATA_KEYS_MAX} keys`)
    .refine((keys) => new Set(keys).size === keys.length, "must not name a key twice"),
});

/**
 * Sets the request metadata keys the team's analytics break down by (admin; none turns it off).
 * The log writer rolls up their values from then on; requests logged before are not rolled up.
 */
export async function setAnalyticsMetadataKeys({ ctx, teamId, ...raw }: { ctx: ServiceContext; teamId: string; analyticsMetadataKeys: unknown }): Promise<Team> {
  const { analyticsMetadataKeys } = parseInput(input, raw);
  return updateTeamSetting(ctx, teamId, "analyticsMetadataKeys", analyticsMetadataKeys);
}

/** Keys as an admin types them: separated by commas (or spaces); blanks dropped. */
export function splitMetadataKeys(text: string): string[] {
  return text.split(/[,\s]+/).filter((key) => key !== "");
}
