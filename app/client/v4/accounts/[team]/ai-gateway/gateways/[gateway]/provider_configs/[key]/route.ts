export { deleteProviderConfigApi as DELETE } from "@/lib/management-api/resources";
