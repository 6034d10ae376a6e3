export { gatewayUrlApi as GET } from "@/lib/management-api/gateways";
