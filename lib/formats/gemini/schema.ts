import { FormatError } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";

/**
 * Gemini's `parameters` and `responseSchema` take an OpenAPI 3.0 subset, not JSON Schema. Tool
 * parameters from a client are JSON Schema, so they are converted on the way in:
 *
 * - `type: "string"` → `"STRING"`; `type: ["string", "null"]` and `anyOf: [X, {type: "null"}]`
 *   → X with `nullable: true`; a type list of several non-null types → `anyOf`; `oneOf` → `anyOf`
 *   (Gemini has no exclusive union, and models produce one branch anyway);
 * - `$ref` to the schema's own `$defs`/`definitions` is inlined (a recursive reference cannot be);
 * - `const` → a one-value `enum` (typed STRING when untyped, as Gemini wants); `examples` →
 *   `example` (the first);
 * - stripped, being annotations or constraints Gemini rejects without changing what a well-behaved
 *   model sends: `$schema`, `$id`, `$comment`, `additionalProperties`, `readOnly`, `writeOnly`,
 *   `deprecated`, `strict`, `contentEncoding`, `contentMediaType`, `$defs`, `definitions` (after
 *   inlining), and a `format` Gemini does not know for the type (it takes date-time and enum for
 *   strings, float and double, int32 and int64);
 * - anything else (`allOf`, `not`, `if`, `patternProperties`, `exclusiveMinimum`, `uniqueItems`,
 *   a non-string `enum` …) is a FormatError naming it, rather than a schema that says less than
 *   the client meant.
 *
 * An object schema with no properties is Gemini's "no parameters": it is left out
 * (`toGeminiParameters` returns undefined), since Gemini refuses an OBJECT without properties.
 */

const stripped = new Set([
  "$schema",
  "$id",
  "$comment",
  "additionalProperties",
  "readOnly",
  "writeOnly",
  "deprecated",
  "strict",
  "contentEncoding",
  "contentMediaType",
  "$defs",
  "definitions",
]);

/** Keywords both sides share, copied as they are. */
const copied = new Set([
  "description",
  "title",
  "format",
  "default",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
  "pattern",
  "required",
  "propertyOrdering",
  "example",
]);

/** The formats the Gemini API takes; others (`email`, `uri`, …) are hints it refuses, so they are left out. */
const formatsByType: Record<string, string[]> = { STRING: ["enum", "date-time"], NUMBER: ["float", "double"], INTEGER: ["int32", "int64"] };

const jsonTypes = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** Tool parameters (JSON Schema) → Gemini's `parameters`; undefined for a function without any. */
export function toGeminiParameters(schema: JsonObject, field: string): JsonObject | undefined {
  const converted = toGeminiSchema(schema, field);
  if (converted.type === "OBJECT" && !(isJsonObject(converted.properties) && Object.keys(converted.properties).length > 0)) {
    return undefined;
  }
  return converted;
}

/** A JSON Schema → Gemini's OpenAPI-subset Schema; throws FormatError for what cannot be carried. */
export function toGeminiSchema(schema: JsonObject, field: string): JsonObject {
  const defs = { ...objectOr(schema.definitions), ...objectOr(schema.$defs) };
  return convert(schema, field, defs, new Set());
}

function convert(schema: JsonObject, field: string, defs: JsonObject, resolving: Set<string>): JsonObject {
  if (typeof schema.$ref === "string") return resolveRef(schema, field, defs, resolving);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    const at = `${field}.${key}`;
    if (stripped.has(key)) continue;
    if (copied.has(key)) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case "type":
        Object.assign(out, convertType(value, at));
        break;
      case "nullable":
        if (value === true) out.nullable = true;
        break;
      case "enum":
        out.enum = enumValues(value, at);
        break;
      case "const":
        out.enum = enumValues([value], at);
        break;
      case "examples":
        if (Array.isArray(value) && value.length > 0) out.example = value[0];
        break;
      case "items":
        if (!isJsonObject(value)) throw new FormatError(`${at} must be one schema: Gemini has no tuple arrays.`, at);
        out.items = convert(value, at, defs, resolving);
        break;
      case "properties": {
        if (!isJsonObject(value)) throw new FormatError(`${at} must be an object of schemas.`, at, "invalid_field");
        const properties: JsonObject = {};
        for (const [name, property] of Object.entries(value)) {
          if (!isJsonObject(property)) throw new FormatError(`${at}.${name} must be a schema object.`, `${at}.${name}`, "invalid_field");
          properties[name] = convert(property, `${at}.${name}`, defs, resolving);
        }
        out.properties = properties;
        break;
      }
      case "anyOf":
      case "oneOf":
        Object.assign(out, convertUnion(value, at, defs, resolving));
        break;
      default:
        throw new FormatError(`${at}: Gemini's schemas have no "${key}"; remove it or express it with the supported keywords.`, at);
    }
  }
  // Gemini types every enum; JSON Schema's may stand alone, and Gemini's enums are strings.
  if (out.enum !== undefined && out.type === undefined) out.type = "STRING";
  if (out.format !== undefined && !formatsByType[String(out.type)]?.includes(String(out.format))) delete out.format;
  return out;
}

function resolveRef(schema: JsonObject, field: string, defs: JsonObject, resolving: Set<string>): JsonObject {
  const ref = schema.$ref as string;
  const match = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
  const target = match?.[1] === undefined ? undefined : defs[match[1]];
  if (!match || !isJsonObject(target)) {
    throw new FormatError(`${field}.$ref "${ref}" does not point into the schema's own $defs: Gemini needs the schema inlined.`, `${field}.$ref`);
  }
  if (resolving.has(ref)) throw new FormatError(`${field}.$ref "${ref}" is recursive, which Gemini's schemas cannot express.`, `${field}.$ref`);
  const { $ref: _ref, ...siblings } = schema;
  const inner = new Set(resolving).add(ref);
  return { ...convert(target, field, defs, inner), ...convert(siblings, field, defs, inner) };
}

function convertType(value: unknown, at: string): JsonObject {
  const types = Array.isArray(value) ? value : [value];
  for (const type of types) {
    if (typeof type !== "string" || !jsonTypes.has(type)) throw new FormatError(`${at} must be a JSON Schema type name.`, at, "invalid_field");
  }
  const nonNull = (types as string[]).filter((type) => type !== "null");
  const nullable = nonNull.length < types.length ? { nullable: true } : {};
  if (nonNull.length === 0) throw new FormatError(`${at}: a value that can only be null cannot be expressed in Gemini's schemas.`, at);
  if (nonNull.length === 1) return { type: nonNull[0]!.toUpperCase(), ...nullable };
  return { anyOf: nonNull.map((type) => ({ type: type.toUpperCase() })), ...nullable };
}

function convertUnion(value: unknown, at: string, defs: JsonObject, resolving: Set<string>): JsonObject {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isJsonObject)) {
    throw new FormatError(`${at} must be a non-empty list of schemas.`, at, "invalid_field");
  }
  const branches = value.filter((branch) => branch.type !== "null");
  const nullable = branches.length < value.length ? { nullable: true } : {};
  if (branches.length === 0) throw new FormatError(`${at}: a value that can only be null cannot be expressed in Gemini's schemas.`, at);
  const converted = branches.map((branch, index) => convert(branch, `${at}[${index}]`, defs, resolving));
  if (converted.length === 1) return { ...converted[0], ...nullable };
  return { anyOf: converted, ...nullable };
}

function enumValues(value: unknown, at: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new FormatError(`${at}: Gemini's enums hold strings only.`, at);
  }
  return value;
}

function objectOr(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/**
 * Gemini's OpenAPI-subset Schema → JSON Schema, for a Gemini client's request going elsewhere:
 * type names in lower case, `nullable` as a `null` type (or a `null` branch beside `anyOf`),
 * `example` as `examples`; `propertyOrdering`, a Gemini-only ordering hint, is left out.
 */
export function fromGeminiSchema(schema: JsonObject, field: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    const at = `${field}.${key}`;
    switch (key) {
      case "type":
        if (typeof value !== "string" || !jsonTypes.has(value.toLowerCase())) {
          throw new FormatError(`${at} must be one of STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT.`, at, "invalid_field");
        }
        out.type = value.toLowerCase();
        break;
      case "nullable":
      case "propertyOrdering":
        break;
      case "example":
        out.examples = [value];
        break;
      case "items":
        if (!isJsonObject(value)) throw new FormatError(`${at} must be a schema object.`, at, "invalid_field");
        out.items = fromGeminiSchema(value, at);
        break;
      case "properties":
        if (!isJsonObject(value)) throw new FormatError(`${at} must be an object of schemas.`, at, "invalid_field");
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, property]) => {
            if (!isJsonObject(property)) throw new FormatError(`${at}.${name} must be a schema object.`, `${at}.${name}`, "invalid_field");
            return [name, fromGeminiSchema(property, `${at}.${name}`)];
          }),
        );
        break;
      case "anyOf":
        if (!Array.isArray(value) || !value.every(isJsonObject)) throw new FormatError(`${at} must be a list of schemas.`, at, "invalid_field");
        out.anyOf = value.map((branch, index) => fromGeminiSchema(branch, `${at}[${index}]`));
        break;
      case "minItems":
      case "maxItems":
      case "minLength":
      case "maxLength":
      case "minProperties":
      case "maxProperties":
        // Gemini's int64 counts may come as JSON strings; JSON Schema wants numbers.
        out[key] = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
  }
  return out;
}
