import { z } from "zod";
import type { Team } from "@/db/schema";
import type { ServiceContext } from "../context";
import { parseInput } from "../validation";
import { updateTeamSetting } from "./update-setting";

export const DISPLAY_PRECISIONS = [2, 3, 4, 5, 6] as const;

const input = z.object({
  displayPrecision: z.coerce.number().int("must be a whole number").min(2, "must be at least 2").max(6, "must be at most 6"),
});

/** Sets how many decimal places the dashboard shows dollar amounts with (admin); storage stays in micro-dollars. */
export async function setDisplayPrecision({ ctx, teamId, ...raw }: { ctx: ServiceContext; teamId: string; displayPrecision: unknown }): Promise<Team> {
  const { displayPrecision } = parseInput(input, raw);
  return updateTeamSetting(ctx, teamId, "displayPrecision", displayPrecision);
}
