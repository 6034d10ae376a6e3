import { healthResponse } from "@/lib/health/health";

// Every probe asks the database anew.
export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return healthResponse();
}
