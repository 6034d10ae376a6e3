import { openApiDocument } from "@/lib/management-api/openapi";

export const GET = openApiDocument;
