import { auditExportRoute } from "@/lib/audit/export-route";

export const GET = auditExportRoute;
