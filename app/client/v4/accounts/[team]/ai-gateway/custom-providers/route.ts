export { listCustomProvidersApi as GET, createCustomProviderApi as POST } from "@/lib/management-api/resources";
