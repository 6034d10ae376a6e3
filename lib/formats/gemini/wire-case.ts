import { isJsonObject } from "@/lib/formats/json";

/**
 * Gemini's REST API reads protobuf JSON, which takes every field in lowerCamelCase or in its
 * original snake_case: Google's own curl examples send `system_instruction`, `inline_data` and
 * `mime_type`. Client bodies are brought to camelCase before decoding so both spellings mean the
 * same. What is the client's own data keeps its keys: a call's `args`, a function's `response`,
 * JSON schemas given as such, `labels`, values (`default`, `example`, `enum`), and the property
 * names of a schema's `properties` (their schemas are still read).
 */
const opaque = new Set(["args", "response", "parametersJsonSchema", "responseJsonSchema", "partMetadata", "labels", "default", "example", "enum"]);

export function camelCaseFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseFields);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    if (opaque.has(name)) out[name] = item;
    else if (name === "properties" && isJsonObject(item)) out[name] = Object.fromEntries(Object.entries(item).map(([property, schema]) => [property, camelCaseFields(schema)]));
    else out[name] = camelCaseFields(item);
  }
  return out;
}
