import { tailLogsResponse } from "@/lib/logs-http/tail";

export async function GET(request: Request, { params }: { params: Promise<{ team: string }> }) {
  return tailLogsResponse(request, (await params).team);
}
