export { getLogRequestApi as GET } from "@/lib/management-api/logs";
