import { z } from "zod";
import { requestLogs, type RequestLog } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { NotFoundError } from "../errors";
import { parseInput } from "../validation";
import { logInScope, type LogRef } from "./list";

const input = z
  .object({
    feedback: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional(),
    score: z.int().min(0).max(100).nullable().optional(),
    metadata: z.record(z.string().max(200), z.union([z.string().max(1000), z.number(), z.boolean()])).optional(),
  })
  .strict();

/**
 * Cloudflare's `PATCH …/logs/{id}`: feedback (-1, 0 or 1), a score (0–100) and metadata (replaces
 * the row's) on one log of the team or of a gateway. Members and above; audited as `logs.feedback`.
 */
export async function updateLogFeedback({
  ctx,
  teamId,
  gatewaySlug,
  logId,
  ...raw
}: LogRef & { feedback?: unknown; score?: unknown; metadata?: unknown }): Promise<RequestLog> {
  const changes = parseInput(input, raw);
  const where = await logInScope({ ctx, teamId, gatewaySlug, logId }, "member");
  return ctx.db.transaction(async (tx) => {
    const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const [row] =
      Object.keys(set).length > 0
        ? await tx.update(requestLogs).set(set).where(where).returning()
        : await tx.select().from(requestLogs).where(where).limit(1);
    if (!row) throw new NotFoundError(`log ${logId} not found`);
    if (Object.keys(set).length === 0) return row;
    // The id alone says nothing to a reader of the audit log; the model says which request it was.
    const targetLabel = row.model ? `${row.provider ? `${row.provider}/` : ""}${row.model}` : "a refused request";
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "logs.feedback", targetType: "request_log", targetId: logId, targetLabel, details: set });
    return row;
  });
}
