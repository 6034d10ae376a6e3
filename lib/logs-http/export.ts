import { requireTeam } from "@/lib/auth/team";
import { exportLines, exportRequestLogs, LOG_EXPORT_FORMATS, type LogExportFormat } from "@/lib/services/logs/export";
import { parseLogSearch } from "@/lib/services/logs/search-params";
import { plainTextResponse, serviceErrorText } from "@/lib/text-response";

const CONTENT_TYPES: Record<LogExportFormat, string> = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson; charset=utf-8" };

/**
 * GET …/logs/export?format=csv|jsonl&<the list's filters>: every matching row, streamed batch by
 * batch as the client reads (a pull stream), so memory holds one batch however many rows match.
 */
export async function exportLogsResponse(request: Request, teamSlug: string, gatewaySlug?: string): Promise<Response> {
  const { ctx, team } = await requireTeam(teamSlug);
  const params = new URL(request.url).searchParams;
  const format = params.get("format") ?? "csv";
  if (!(LOG_EXPORT_FORMATS as readonly string[]).includes(format)) {
    return plainTextResponse(400, `format: "${format}" is not an export format; use csv or jsonl\n`);
  }
  const { query, problems } = parseLogSearch(params);
  if (problems.length > 0) return plainTextResponse(400, `${problems.join("\n")}\n`);

  const batches = exportRequestLogs({ ctx, teamId: team.id, gatewaySlug, query });
  // The first batch before the headers: a refusal (role, gateway) still gets its status.
  let pending: Awaited<ReturnType<typeof batches.next>> | undefined;
  try {
    pending = await batches.next();
  } catch (error) {
    return serviceErrorText(error);
  }
  const encoder = new TextEncoder();
  let wroteHeader = false;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = pending ?? (await batches.next());
        pending = undefined;
        if (next.done) {
          if (!wroteHeader && format === "csv") controller.enqueue(encoder.encode(exportLines("csv", [], true)));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(exportLines(format as LogExportFormat, next.value, !wroteHeader)));
        wroteHeader = true;
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const name = `${team.slug}${gatewaySlug ? `-${gatewaySlug}` : ""}-logs-${stamp}.${format}`;
  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES[format as LogExportFormat],
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}
