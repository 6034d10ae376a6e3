export { listRoutesApi as GET, createRouteApi as POST } from "@/lib/management-api/routes";
