export { getRouteApi as GET, renameRouteApi as PATCH, deleteRouteApi as DELETE } from "@/lib/management-api/routes";
