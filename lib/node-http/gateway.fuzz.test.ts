import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitTarget } from "./gateway";

/** Origin-form targets heavy in what the URL parser rewrites: dots, encoded dots, backslashes, `?`, `#`, quotes, non-ASCII. */
const target = fc
  .array(fc.constantFrom("/", ".", "..", "%2e", "%2E", "%2f", "\\", "?", "#", '"', "'", "<", "`", "{", "a", "v1", "é", "%", "=", "&", ":", "~"), { maxLength: 16 })
  .map((parts) => `/${parts.join("")}`);

describe("splitTarget, fuzzed", () => {
  it("gives the path and query the WHATWG URL parser gives, as Next's route handlers see them", () => {
    fc.assert(
      fc.property(fc.oneof(target, fc.webPath().map((path) => `/${path}`)), (raw) => {
        const url = new URL(`http://gateway${raw}`);
        expect(splitTarget(raw)).toEqual({ path: url.pathname, query: url.search });
      }),
      { numRuns: 5_000 },
    );
  });
});
