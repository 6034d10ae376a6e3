import { exportLogsResponse } from "@/lib/logs-http/export";

export async function GET(request: Request, { params }: { params: Promise<{ team: string }> }) {
  return exportLogsResponse(request, (await params).team);
}
