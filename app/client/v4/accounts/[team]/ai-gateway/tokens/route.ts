export { listGatewayTokensApi as GET, createGatewayTokenApi as POST } from "@/lib/management-api/resources";
