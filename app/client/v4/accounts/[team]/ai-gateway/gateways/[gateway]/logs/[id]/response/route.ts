export { getLogResponseApi as GET } from "@/lib/management-api/logs";
