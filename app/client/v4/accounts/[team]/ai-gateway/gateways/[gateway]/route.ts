export { getGatewayApi as GET, updateGatewayApi as PUT, deleteGatewayApi as DELETE } from "@/lib/management-api/gateways";
