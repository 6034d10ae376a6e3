import { z } from "zod";
import { parseInput } from "../validation";

// Called as `model: "dynamic/{name}"`, so it must survive as one path-like model segment.
const routeNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "use 1–64 lowercase letters, digits, hyphens and underscores, starting with a letter or digit");

export function parseRouteName(name: unknown): string {
  return parseInput(z.object({ name: routeNameSchema }), { name }).name;
}
