import { InvalidInputError, ServiceError, type InputIssue } from "@/lib/services/errors";

/**
 * Cloudflare's v4 API envelope (reference §9): `{ success, errors: [{code, message}], messages,
 * result, result_info? }`. Codes: 10000 authentication or permission (Cloudflare's), 7003 no such
 * object (Cloudflare's), 1001 invalid input, 1002 a conflict (a name already taken).
 */
export interface ApiError {
  code: number;
  message: string;
}

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
}

const SERVICE_ERRORS: Record<ServiceError["kind"], { status: number; code: number }> = {
  invalid: { status: 400, code: 1001 },
  conflict: { status: 409, code: 1002 },
  forbidden: { status: 403, code: 10000 },
  not_found: { status: 404, code: 7003 },
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function success(result: unknown, { status = 200, resultInfo }: { status?: number; resultInfo?: ResultInfo } = {}): Response {
  return json(status, { success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) });
}

export function failure(status: number, ...errors: ApiError[]): Response {
  return json(status, { success: false, errors, messages: [], result: null });
}

/** The API's spelling of a field services name in camelCase (`cacheTtl` → `cache_ttl`); API schemas already use it. */
export function apiFieldName(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** One error per issue, each naming its field as Cloudflare's do: "per_page: Expected number, received nan". */
function issueErrors(issues: readonly InputIssue[], code: number): ApiError[] {
  return issues.map((issue) => ({ code, message: issue.field ? `${apiFieldName(issue.field)}: ${issue.message}` : issue.message }));
}

/** A service's refusal in the envelope; anything else is not the client's doing and is rethrown. */
export function serviceFailure(error: unknown): Response {
  if (!(error instanceof ServiceError)) throw error;
  const { status, code } = SERVICE_ERRORS[error.kind];
  if (error instanceof InvalidInputError) return failure(status, ...issueErrors(error.issues, code));
  return failure(status, { code, message: error.message });
}

export const unauthenticated = (why: string) => failure(401, { code: 10000, message: `Authentication error: ${why}` });
