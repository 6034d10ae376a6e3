export { listVersionsApi as GET, createVersionApi as POST } from "@/lib/management-api/routes";
