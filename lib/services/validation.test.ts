import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidInputError } from "./errors";
import { parseInput } from "./validation";

describe("parseInput", () => {
  const schema = z.strictObject({ name: z.string().min(1, "must not be empty"), limits: z.strictObject({ perPage: z.number() }).optional() });

  function issuesOf(input: unknown) {
    try {
      parseInput(schema, input);
    } catch (error) {
      if (error instanceof InvalidInputError) return { issues: error.issues, message: error.message };
      throw error;
    }
    throw new Error("parsed");
  }

  it("names each bad field, nested ones by their dotted path", () => {
    expect(issuesOf({ name: "", limits: { perPage: "x" } })).toEqual({
      issues: [
        { field: "name", message: "must not be empty" },
        { field: "limits.perPage", message: "Invalid input: expected number, received string" },
      ],
      message: "name: must not be empty; limits.perPage: Invalid input: expected number, received string",
    });
  });

  it("refuses each unknown field of a strict object by its own name", () => {
    expect(issuesOf({ name: "a", colour: 1, limits: { perPage: 1, size: 2 } }).issues).toEqual(
      expect.arrayContaining([
        { field: "colour", message: "is not a field this accepts" },
        { field: "limits.size", message: "is not a field this accepts" },
      ]),
    );
  });

  it("says a missing field is required, unless its schema has a message of its own", () => {
    expect(issuesOf({ limits: {} }).issues).toEqual([
      { field: "name", message: "is required" },
      { field: "limits.perPage", message: "is required" },
    ]);
    const counted = z.object({ count: z.int("must be a whole number") });
    expect(() => parseInput(counted, {})).toThrow("count: must be a whole number");
  });

  it("reports input that is not an object as a whole", () => {
    expect(issuesOf("text").issues).toEqual([{ message: "Invalid input: expected object, received string" }]);
  });
});
