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

export class InvalidInputError extends ServiceError {
  constructor(message: string) {
    super("invalid", message);
  }
}
