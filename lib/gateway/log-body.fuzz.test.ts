import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loggedBody } from "./log-body";

const contentType = fc.oneof(
  fc.constantFrom(undefined, null, "", "application/json", "text/plain; charset=utf-8", "audio/wav", "image/png", "multipart/form-data; boundary=x"),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => new TextEncoder().encode(text)),
  // A byte-order mark first, which a decoder would drop.
  fc.string({ maxLength: 50 }).map((text) => new TextEncoder().encode(`\uFEFF${text}`)),
);

describe("loggedBody", () => {
  it("keeps any body as text that re-encodes to exactly its bytes, or as a content type alone", () => {
    fc.assert(
      fc.property(bytes, contentType, (body, type) => {
        const logged = loggedBody(body, type);
        if (logged.text !== undefined) {
          expect(Buffer.from(new TextEncoder().encode(logged.text))).toEqual(Buffer.from(body));
          expect(logged.text).not.toContain("\u0000");
        } else {
          expect(logged.binaryType.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
