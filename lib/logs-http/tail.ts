import { requireTeam } from "@/lib/auth/team";
import type { LogListRow } from "@/lib/services/logs/list";
import { parseLogSearch } from "@/lib/services/logs/search-params";
import { tailRequestLogs } from "@/lib/services/logs/tail";
import { resolveLogScope } from "@/lib/services/logs/list";
import { serviceErrorText } from "@/lib/text-response";

/** What the tail's events carry per row. */
export interface TailRow {
  id: string;
  createdAt: string;
  statusCode: number;
  success: boolean;
  method: string;
  path: string;
  provider: string | null;
  model: string | null;
  tokenName: string | null;
  gatewaySlug: string | null;
  errorMessage: string | null;
}

function tailRow(row: LogListRow): TailRow {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    statusCode: row.statusCode,
    success: row.success,
    method: row.method,
    path: row.path,
    provider: row.provider,
    model: row.model,
    tokenName: row.tokenName,
    gatewaySlug: row.gatewaySlug,
    errorMessage: row.errorMessage,
  };
}

/**
 * GET …/logs/tail?<the list's filters>: server-sent events, `logs` with each batch of new rows
 * (oldest first), until the page closes the stream (the request aborts) or the tail's ten minutes
 * end (`end`). The stream opens with a comment, so the page sees it open at once.
 */
export async function tailLogsResponse(request: Request, teamSlug: string, gatewaySlug?: string): Promise<Response> {
  const { ctx, team } = await requireTeam(teamSlug);
  const { query } = parseLogSearch(new URL(request.url).searchParams);
  try {
    // The role and the gateway are checked before the stream starts, so a refusal keeps its status.
    await resolveLogScope(ctx, team.id, gatewaySlug);
  } catch (error) {
    return serviceErrorText(error);
  }
  const abort = new AbortController();
  request.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(": tail\n\n"));
      try {
        for await (const batch of tailRequestLogs({ ctx, teamId: team.id, gatewaySlug, query, signal: abort.signal })) {
          controller.enqueue(encoder.encode(`event: logs\ndata: ${JSON.stringify(batch.map(tailRow))}\n\n`));
        }
        if (!abort.signal.aborted) {
          controller.enqueue(encoder.encode("event: end\ndata: {}\n\n"));
          controller.close();
        }
      } catch (error) {
        if (!abort.signal.aborted) controller.error(error);
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
}
