import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/codec";
import { fromGeminiSchema, toGeminiParameters, toGeminiSchema } from "./schema";

describe("toGeminiSchema", () => {
  it("converts what a zod- or pydantic-made schema holds", () => {
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Order",
      type: "object",
      additionalProperties: false,
      properties: {
        id: { type: "integer", minimum: 1, examples: [7, 8], format: "int64" },
        email: { type: "string", format: "email" },
        at: { type: "string", format: "date-time" },
        status: { const: "open" },
        note: { anyOf: [{ type: "string", maxLength: 200 }, { type: "null" }], default: null },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
        amount: { type: ["number", "string"] },
        kind: { oneOf: [{ type: "string" }, { type: "integer" }] },
        customer: { $ref: "#/$defs/Customer", description: "who ordered" },
      },
      required: ["id", "status"],
      $defs: { Customer: { type: "object", properties: { name: { type: "string", readOnly: true } }, required: ["name"] } },
    };
    expect(toGeminiSchema(schema, "parameters")).toEqual({
      title: "Order",
      type: "OBJECT",
      properties: {
        id: { type: "INTEGER", minimum: 1, example: 7, format: "int64" },
        email: { type: "STRING" },
        at: { type: "STRING", format: "date-time" },
        status: { type: "STRING", enum: ["open"] },
        note: { type: "STRING", maxLength: 200, nullable: true, default: null },
        tags: { type: "ARRAY", items: { type: "STRING" }, minItems: 1 },
        amount: { anyOf: [{ type: "NUMBER" }, { type: "STRING" }] },
        kind: { anyOf: [{ type: "STRING" }, { type: "INTEGER" }] },
        customer: { type: "OBJECT", properties: { name: { type: "STRING" } }, required: ["name"], description: "who ordered" },
      },
      required: ["id", "status"],
    });
  });

  it.each([
    [{ allOf: [{ type: "string" }] }, "p.allOf"],
    [{ type: "object", properties: { a: { not: { type: "string" } } } }, "p.properties.a.not"],
    [{ type: "number", exclusiveMinimum: 0 }, "p.exclusiveMinimum"],
    [{ enum: [1, 2] }, "p.enum"],
    [{ type: "array", items: [{ type: "string" }] }, "p.items"],
    [{ $ref: "https://example.com/schema.json" }, "p.$ref"],
    [{ type: "object", properties: { next: { $ref: "#/$defs/Node" } }, $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } } }, "p.properties.next.properties.next.$ref"],
    [{ type: "null" }, "p.type"],
  ])("refuses what it cannot convert: %j", (schema, field) => {
    let error: unknown;
    try {
      toGeminiSchema(schema, "p");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).field).toBe(field);
  });

  it("leaves out parameters of a function that takes none", () => {
    expect(toGeminiParameters({ type: "object", properties: {}, additionalProperties: false }, "p")).toBeUndefined();
    expect(toGeminiParameters({ type: "object" }, "p")).toBeUndefined();
    expect(toGeminiParameters({ type: "object", properties: { a: { type: "boolean" } } }, "p")).toEqual({ type: "OBJECT", properties: { a: { type: "BOOLEAN" } } });
  });
});

describe("fromGeminiSchema", () => {
  it("turns Gemini's schema back into JSON Schema", () => {
    expect(
      fromGeminiSchema(
        {
          type: "OBJECT",
          propertyOrdering: ["a", "b"],
          properties: {
            a: { type: "STRING", nullable: true, format: "date-time", example: "2025-01-01T00:00:00Z" },
            b: { anyOf: [{ type: "INTEGER" }, { type: "STRING" }], nullable: true },
            c: { type: "ARRAY", items: { type: "NUMBER" }, maxItems: "3" },
          },
          required: ["a"],
        },
        "s",
      ),
    ).toEqual({
      type: "object",
      properties: {
        a: { type: ["string", "null"], format: "date-time", examples: ["2025-01-01T00:00:00Z"] },
        b: { anyOf: [{ type: "integer" }, { type: "string" }, { type: "null" }] },
        c: { type: "array", items: { type: "number" }, maxItems: 3 },
      },
      required: ["a"],
    });
  });
});
