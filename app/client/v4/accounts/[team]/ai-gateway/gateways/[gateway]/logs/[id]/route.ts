export { getLogApi as GET, patchLogApi as PATCH } from "@/lib/management-api/logs";
