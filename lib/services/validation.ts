import { z } from "zod";
import { InvalidInputError } from "./errors";

/** Parses service input, turning zod's issues into one InvalidInputError that names each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
  );
  throw new InvalidInputError(problems.join("; "));
}

export const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL")
  // Paths are appended to it, so one canonical form without a trailing slash.
  .transform((value) => value.replace(/\/+$/, ""));

export const emailAddress = z.string().trim().toLowerCase().pipe(z.email("must be an email address"));
