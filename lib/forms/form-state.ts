import type { Role } from "@/db/schema";
import { InvalidInputError, ServiceError } from "@/lib/services/errors";

/** What a form's server action returns to its useActionState. */
export interface FormState {
  ok?: boolean;
  /** Shown above the form. */
  error?: string;
  /** Per field name; from the issues of an InvalidInputError. */
  fieldErrors?: Record<string, string>;
  message?: string;
}

/**
 * Maps a service error to what the form shows; anything else is rethrown to the error boundary.
 * `doing` completes "Your role (viewer) cannot …", e.g. "create gateways".
 */
export function formError(error: unknown, { role, doing }: { role?: Role; doing: string }): FormState {
  if (!(error instanceof ServiceError)) throw error;
  switch (error.kind) {
    case "forbidden":
      return { error: role ? `Your role (${role}) cannot ${doing}. Ask an admin or owner of the team.` : `You cannot ${doing}.` };
    case "invalid": {
      const { fieldErrors, general } = issuesByField(error);
      return {
        error: general.length > 0 ? general.join(" ") : "Some fields need attention.",
        fieldErrors,
      };
    }
    default:
      return { error: capitalize(error.message) };
  }
}

/** An invalid input's problems as a form shows them: by field name, and those of no field. */
export function issuesByField(error: ServiceError): { fieldErrors: Record<string, string>; general: string[] } {
  const fieldErrors: Record<string, string> = {};
  const general: string[] = [];
  const issues = error instanceof InvalidInputError ? error.issues : [{ message: error.message }];
  for (const issue of issues) {
    if (issue.field) fieldErrors[issue.field] = capitalize(issue.message);
    else general.push(capitalize(issue.message));
  }
  return { fieldErrors, general };
}

/** Capitalizes a sentence, but not one that starts with a field name like "rateLimitingLimit". */
export function capitalize(text: string): string {
  return /^[a-z]+(?![A-Za-z0-9])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
