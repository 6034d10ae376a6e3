/** Errors the control plane throws; each edge (CLI, route handler, page) maps `kind` to its own output. */
export class ServiceError extends Error {
  constructor(
    readonly kind: "not_found" | "forbidden" | "conflict" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string) {
    super("conflict", message);
  }
}

/** One problem with the input: the field it is in (a dotted path, as the caller spelled it), or none for the input as a whole. */
export interface InputIssue {
  field?: string;
  message: string;
}

/** "field: problem" for one issue; the CLI and anything showing the error as one line read it. */
function describeIssue(issue: InputIssue): string {
  return issue.field ? `${issue.field}: ${issue.message}` : issue.message;
}

/**
 * Bad input, as a list of issues so that each edge can place them: a form beside its fields, the
 * management API as one error each. The message joins them for edges that show one line.
 */
export class InvalidInputError extends ServiceError {
  // Private, so errors compare (in tests) by their message, which spells every issue out.
  readonly #issues: readonly InputIssue[];

  constructor(problem: string | InputIssue | readonly InputIssue[]) {
    const issues = typeof problem === "string" ? [{ message: problem }] : Array.isArray(problem) ? problem : [problem as InputIssue];
    super("invalid", issues.map(describeIssue).join("; "));
    this.#issues = issues;
  }

  get issues(): readonly InputIssue[] {
    return this.#issues;
  }
}
