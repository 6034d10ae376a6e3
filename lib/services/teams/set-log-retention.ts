import { z } from "zod";
import type { Team } from "@/db/schema";
import type { ServiceContext } from "../context";
import { count } from "../gateways/settings";
import { parseInput } from "../validation";
import { updateTeamSetting } from "./update-setting";

/** Ten years: longer is "keep them", which is null. */
export const LOG_RETENTION_DAYS_MAX = 3650;

const input = z.object({ logRetentionDays: count(1, LOG_RETENTION_DAYS_MAX).nullable() });

/**
 * Sets how many days the team's request logs are kept (admin); null keeps them until a gateway's
 * log limit removes them. The log maintenance loop (lib/logs/maintenance.ts) removes what is older.
 */
export async function setLogRetention({ ctx, teamId, ...raw }: { ctx: ServiceContext; teamId: string; logRetentionDays: number | null }): Promise<Team> {
  const { logRetentionDays } = parseInput(input, raw);
  return updateTeamSetting(ctx, teamId, "logRetentionDays", logRetentionDays);
}
