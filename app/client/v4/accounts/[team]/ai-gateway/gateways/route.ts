export { listGatewaysApi as GET, createGatewayApi as POST } from "@/lib/management-api/gateways";
