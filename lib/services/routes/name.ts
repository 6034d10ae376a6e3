import { z } from "zod";
import { ROUTE_NAME, ROUTE_NAME_RULE } from "@/lib/routes/schema";
import { parseInput } from "../validation";

export function parseRouteName(name: unknown): string {
  return parseInput(z.object({ name: z.string().trim().regex(ROUTE_NAME, ROUTE_NAME_RULE) }), { name }).name;
}
