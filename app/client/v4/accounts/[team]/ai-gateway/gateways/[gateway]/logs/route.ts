export { listLogsApi as GET, deleteLogsApi as DELETE } from "@/lib/management-api/logs";
