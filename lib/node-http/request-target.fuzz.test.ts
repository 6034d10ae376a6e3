import type { IncomingMessage } from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "@/lib/gateway/errors";
import { requestLineRefusal } from "./request-target";

/** What node's parser lets through as a Host value: tab, printable ASCII and latin-1 (no NUL, CR, LF). */
const hostValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.tuple(fc.domain(), fc.option(fc.integer({ min: -5, max: 70_000 }))).map(([host, port]) => (port === null ? host : `${host}:${port}`)),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.ipV4(),
  fc.constantFrom("a b", "x:99999", "u@evil", "[::1", "evil/path", "", "localhost:"),
);
/** Request targets as node passes them on: origin-form paths, absolute-form URLs, `*`, junk. */
const target = fc.oneof(
  fc.webPath().map((path) => (path.startsWith("/") ? path : `/${path}`)),
  fc.webUrl({ withQueryParameters: true }),
  fc.constantFrom("*", "example.com:443", "http://[::1/x", "//double", "/"),
  fc.stringMatching(/^[!-~]{0,30}$/),
);
const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "TRACK", "CONNECT", "PROPFIND", "M-SEARCH");

describe("requestLineRefusal, fuzzed", () => {
  it("passes only requests the adapter can make a WHATWG Request of, and refuses the rest with a 4xx GatewayError", () => {
    fc.assert(
      fc.property(method, target, fc.option(hostValue, { nil: undefined }), fc.constantFrom("1.0", "1.1"), (m, url, host, httpVersion) => {
        const req = { method: m, url, headers: host === undefined ? {} : { host }, httpVersion } as unknown as IncomingMessage;
        const refusal = requestLineRefusal(req);
        if (refusal) {
          expect(refusal).toBeInstanceOf(GatewayError);
          expect(refusal.httpCode === 400 || refusal.httpCode === 405).toBe(true);
          return;
        }
        expect(req.url?.startsWith("/")).toBe(true);
        // What Next builds from it for the route handlers.
        expect(() => new Request(`http://${host ?? "localhost"}${req.url}`, { method: m })).not.toThrow();
      }),
      { numRuns: 5_000 },
    );
  });
});
