export { listProviderConfigsApi as GET, createProviderConfigApi as POST } from "@/lib/management-api/resources";
