import { describe, expect, it } from "vitest";
import { safeCallbackPath, signInPath } from "./redirects";

describe("safeCallbackPath", () => {
  it.each(["/", "/acme", "/acme/gateways?x=1", "/invite/inv_abc"])("keeps the path %j", (path) => {
    expect(safeCallbackPath(path)).toBe(path);
  });

  it.each(["https://evil.example/", "//evil.example", "/\\evil.example", "acme", "", undefined, 42])(
    "replaces %j with /",
    (value) => {
      expect(safeCallbackPath(value)).toBe("/");
    },
  );
});

describe("signInPath", () => {
  it("carries where to come back to", () => {
    expect(signInPath("/invite/inv_x")).toBe("/sign-in?callbackUrl=%2Finvite%2Finv_x");
    expect(signInPath("/")).toBe("/sign-in");
    expect(signInPath("//evil.example")).toBe("/sign-in");
  });
});
