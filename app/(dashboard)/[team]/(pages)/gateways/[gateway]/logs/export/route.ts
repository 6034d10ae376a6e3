import { exportLogsResponse } from "@/lib/logs-http/export";

export async function GET(request: Request, { params }: { params: Promise<{ team: string; gateway: string }> }) {
  const { team, gateway } = await params;
  return exportLogsResponse(request, team, gateway);
}
