export { getVersionApi as GET } from "@/lib/management-api/routes";
