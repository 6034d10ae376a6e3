import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Readers for a Responses body's fields, each naming the field's path in the error it throws.
 * `null` counts as absent, as the API and the openai SDK's types treat it.
 */

export function invalid(field: string, what: string): FormatError {
  return new FormatError(`${field} ${what}`, field, "invalid_field");
}

export function unsupported(field: string, why: string): FormatError {
  return new FormatError(`${field} ${why}`, field, "unsupported_field");
}

export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(`${path}${key}`, "must be a string");
  return value;
}

export function requiredString(object: JsonObject, key: string, path: string): string {
  const value = optionalString(object, key, path);
  if (value === undefined) throw invalid(`${path}${key}`, "is required");
  return value;
}

export function optionalNumber(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${path}${key}`, "must be a number");
  return value;
}

export function optionalInteger(object: JsonObject, key: string, path: string): number | undefined {
  const value = optionalNumber(object, key, path);
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw invalid(`${path}${key}`, "must be a positive integer");
  return value;
}

export function optionalBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(`${path}${key}`, "must be true or false");
  return value;
}

export function optionalObject(object: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalid(`${path}${key}`, "must be an object");
  return value;
}

export function optionalArray(object: JsonObject, key: string, path: string): unknown[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(`${path}${key}`, "must be an array");
  return value;
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw invalid(path, "must be an object");
  return value;
}

