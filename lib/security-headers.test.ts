import { describe, expect, it } from "vitest";
import { apiSecurityHeaders, FORWARDED_HTTPS, newNonce, pageContentSecurityPolicy } from "./security-headers";

/** The pattern Next's renderer takes a script nonce from (next/dist/server/app-render/get-script-nonce-from-header). */
const NEXT_NONCE_SOURCE = /^'nonce-([A-Za-z0-9+/_-]+={0,2})'$/;

describe("pageContentSecurityPolicy", () => {
  it("allows scripts from the origin and with this response's nonce only, in a form Next reads", () => {
    const nonce = newNonce();
    const policy = pageContentSecurityPolicy(nonce);
    const scriptSrc = policy.split("; ").find((directive) => directive.startsWith("script-src "))!;
    expect(scriptSrc.split(" ").slice(1)).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(NEXT_NONCE_SOURCE.exec(`'nonce-${nonce}'`)?.[1]).toBe(nonce);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain("unsafe-eval");
    expect(pageContentSecurityPolicy(nonce, { dev: true })).toContain(`'nonce-${nonce}' 'unsafe-eval'`);
  });

  it("uses a different nonce every time", () => {
    expect(new Set(Array.from({ length: 100 }, newNonce)).size).toBe(100);
  });
});

describe("FORWARDED_HTTPS", () => {
  it("matches an X-Forwarded-Proto whose first entry is https, as next.config.ts `has` does", () => {
    const matches = (value: string) => new RegExp(`^${FORWARDED_HTTPS}$`).test(value);
    expect(["https", "https, http", " https ,https"].map(matches)).toEqual([true, true, true]);
    expect(["http", "http, https", "httpsx", ""].map(matches)).toEqual([false, false, false, false]);
  });
});

describe("apiSecurityHeaders", () => {
  it("gives server.ts's own /api answers what next.config.ts gives Next's, HSTS only behind https", () => {
    const plain = apiSecurityHeaders(undefined);
    expect(plain).toEqual({
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    expect(apiSecurityHeaders("https, http")["strict-transport-security"]).toBe("max-age=31536000");
    expect(apiSecurityHeaders(["https"])["strict-transport-security"]).toBe("max-age=31536000");
    expect(apiSecurityHeaders("http")["strict-transport-security"]).toBeUndefined();
  });
});
