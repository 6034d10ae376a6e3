import { ServiceError } from "@/lib/services/errors";

/** The HTTP status each kind of service error stands for where an edge answers in plain text. */
export const SERVICE_ERROR_STATUS: Record<ServiceError["kind"], number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

/** A plain-text answer: a download link and useChat show its body to the user as it is. */
export function plainTextResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** A download's refusal: the status a service error stands for, and its message as a line; anything else is rethrown. */
export function serviceErrorText(error: unknown): Response {
  if (!(error instanceof ServiceError)) throw error;
  return plainTextResponse(SERVICE_ERROR_STATUS[error.kind], `${error.message}\n`);
}
