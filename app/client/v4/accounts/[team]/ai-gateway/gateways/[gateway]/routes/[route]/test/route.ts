export { testRouteApi as POST } from "@/lib/management-api/routes";
