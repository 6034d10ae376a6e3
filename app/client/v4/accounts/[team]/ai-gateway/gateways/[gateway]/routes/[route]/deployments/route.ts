export { listDeploymentsApi as GET, deployApi as POST } from "@/lib/management-api/routes";
