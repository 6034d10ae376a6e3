import { z } from "zod";
import { InvalidInputError, type InputIssue } from "./errors";

/**
 * zod's issues as ours, one per field: an unknown key (a strict object's) is an issue of that key's
 * own path, and a missing field "is required" (unless the schema has a message of its own). Parse with `reportInput`.
 */
function inputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.flatMap((issue): InputIssue[] => {
    const path = issue.path.map(String);
    // A schema's own message for unknown keys (guardrails name the fields they take) is kept as it is.
    if (issue.code === "unrecognized_keys" && issue.message.startsWith("Unrecognized key")) {
      return issue.keys.map((key) => ({ field: [...path, key].join("."), message: "is not a field this accepts" }));
    }
    // zod's own "expected string, received undefined" for a missing field; a schema's own message says more, and stays.
    const message = issue.code === "invalid_type" && issue.input === undefined && issue.message.startsWith("Invalid input: expected") ? "is required" : issue.message;
    return [path.length > 0 ? { field: path.join("."), message } : { message }];
  });
}

/** Parses service input, turning zod's issues into one InvalidInputError that names each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new InvalidInputError(inputIssues(result.error));
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
