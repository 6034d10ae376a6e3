import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, InvalidInputError } from "@/lib/services/errors";
import { formError } from "@/lib/forms/form-state";

describe("formError", () => {
  it("tells the user which role refused them", () => {
    expect(formError(new ForbiddenError("this needs the admin role"), { role: "viewer", doing: "add provider keys" })).toEqual({
      error: "Your role (viewer) cannot add provider keys. Ask an admin or owner of the team.",
    });
  });

  it("puts each named field's problem next to its field", () => {
    const error = new InvalidInputError([
      { field: "cacheTtl", message: "must be a whole number from 0 to 2592000" },
      { field: "retryDelay", message: "must be a whole number from 0 to 5000" },
    ]);
    expect(formError(error, { role: "admin", doing: "x" })).toEqual({
      error: "Some fields need attention.",
      fieldErrors: {
        cacheTtl: "Must be a whole number from 0 to 2592000",
        retryDelay: "Must be a whole number from 0 to 5000",
      },
    });
  });

  it("keeps a field's problem whole even when it holds a semicolon or a colon", () => {
    const error = new InvalidInputError({ field: "provider", message: 'unknown provider "x"; use one of openai: or custom-{slug}' });
    expect(formError(error, { role: "admin", doing: "x" }).fieldErrors).toEqual({ provider: 'Unknown provider "x"; use one of openai: or custom-{slug}' });
  });

  it("keeps problems that name no field as the form's message", () => {
    const error = new InvalidInputError("rateLimitingLimit and rateLimitingInterval must both be above 0 (or both 0 to turn rate limiting off)");
    expect(formError(error, { role: "admin", doing: "x" }).error).toBe(
      "rateLimitingLimit and rateLimitingInterval must both be above 0 (or both 0 to turn rate limiting off)",
    );
    expect(formError(new ConflictError('gateway "prod" already exists'), { role: "admin", doing: "x" })).toEqual({
      error: 'Gateway "prod" already exists',
    });
  });

  it("rethrows anything that is not a service error", () => {
    const bug = new TypeError("boom");
    expect(() => formError(bug, { role: "owner", doing: "x" })).toThrow(bug);
  });
});
