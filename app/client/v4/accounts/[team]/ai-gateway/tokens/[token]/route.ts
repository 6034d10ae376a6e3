export { revokeGatewayTokenApi as DELETE } from "@/lib/management-api/resources";
