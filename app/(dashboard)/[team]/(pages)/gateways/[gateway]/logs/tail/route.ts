import { tailLogsResponse } from "@/lib/logs-http/tail";

export async function GET(request: Request, { params }: { params: Promise<{ team: string; gateway: string }> }) {
  const { team, gateway } = await params;
  return tailLogsResponse(request, team, gateway);
}
