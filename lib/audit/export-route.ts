import { currentUser, userContext } from "@/lib/auth/session";
import { exportAuditEvents } from "@/lib/services/audit/export";
import { getTeamBySlug } from "@/lib/services/teams/get";
import { plainTextResponse, serviceErrorText } from "@/lib/text-response";

/**
 * GET /{team}/audit/export?format=csv|jsonl&actor=…&action=…&target=…&via=…&from=…&to=…: the
 * signed-in admin's download of the team's audit log, streamed batch by batch.
 */
export async function auditExportRoute(req: Request, { params }: { params: Promise<{ team: string }> }): Promise<Response> {
  const user = await currentUser();
  if (!user) return plainTextResponse(401, "Your session has ended: sign in again to export the audit log.\n");
  const query = new URL(req.url).searchParams;
  const filter = Object.fromEntries(["actor", "action", "target", "via", "from", "to"].map((name) => [name, query.get(name) ?? undefined]));
  try {
    const ctx = await userContext(user);
    const team = await getTeamBySlug({ ctx, slug: (await params).team });
    const file = await exportAuditEvents({ ctx, teamId: team.id, filter, format: query.get("format") ?? "csv" });
    const chunks = file.chunks[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
      async cancel() {
        await chunks.return?.();
      },
    });
    return new Response(body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return serviceErrorText(error);
  }
}
