import type { RequestLog } from "@/db/schema";
import type { Harness } from "./harness";
import type { SeededTeam } from "./seed";

/** Every row of the request `res` answered (its attempts and steps), in order, once its last row is written. */
export async function attemptRows(h: Harness, t: SeededTeam, res: Response): Promise<RequestLog[]> {
  await h.logRow(res.headers.get("cf-aig-log-id") ?? "");
  const requestId = res.headers.get("cf-aig-request-id");
  const rows = await h.logRows(t.team.id);
  return rows.filter((r) => r.requestId === requestId).sort((a, b) => a.step - b.step || a.attempt - b.attempt);
}
