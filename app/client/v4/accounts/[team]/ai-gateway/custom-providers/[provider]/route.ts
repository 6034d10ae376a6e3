export { getCustomProviderApi as GET, deleteCustomProviderApi as DELETE } from "@/lib/management-api/resources";
