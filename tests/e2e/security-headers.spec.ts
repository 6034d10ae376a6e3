import { expect, test } from "@playwright/test";
import { OWNER } from "./support/app";

// The dashboard's security headers on pages and /api, and none on the gateway's API responses.

test("a dashboard page has a CSP with a fresh script nonce, which its scripts carry", async ({ request }) => {
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await request.get(`/${OWNER.team}`, { maxRedirects: 0 });
    expect(res.status()).toBe(200);
    const headers = res.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1] ?? "";
    expect(nonce).not.toBe("");
    nonces.push(nonce);
    const html = await res.text();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    expect(headers["strict-transport-security"]).toBeUndefined();
  }
  expect(nonces[0]).not.toBe(nonces[1]);
});

test("/api answers carry the headers too, and HSTS when the request came over https", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.headers()).toMatchObject({
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
  });
  expect(health.headers()["strict-transport-security"]).toBeUndefined();

  for (const path of ["/api/health", "/sign-in"]) {
    const overHttps = await request.get(path, { headers: { "x-forwarded-proto": "https" }, maxRedirects: 0 });
    expect(overHttps.headers()["strict-transport-security"]).toBe("max-age=31536000");
  }
});

test("gateway responses carry none of them", async ({ request }) => {
  for (const path of [`/v1/${OWNER.team}/no-such-gateway/compat/models`, "/ai/v1/models", `/client/v4/accounts/${OWNER.team}/ai/v1/models`]) {
    const res = await request.get(path, { headers: { "x-forwarded-proto": "https" } });
    expect(res.status(), path).toBeGreaterThanOrEqual(400);
    const headers = res.headers();
    for (const name of ["content-security-policy", "x-frame-options", "referrer-policy", "strict-transport-security"]) {
      expect(headers[name], `${name} on ${path}`).toBeUndefined();
    }
  }
});
