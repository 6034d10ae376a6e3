// The dashboard's security headers (pages and /api, never the gateway's API responses): proxy.ts
// sets each page's Content-Security-Policy with a fresh nonce, next.config.ts the rest. Relative
// imports only: next.config.ts loads this file without the `@/` alias.

/** The request header proxy.ts hands a page's script nonce to the root layout in. */
export const NONCE_HEADER = "x-nonce";

/** A fresh, unguessable nonce for one page response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

/**
 * A page's policy. Scripts run only from this origin or inline with this response's nonce, which
 * Next puts on its own bootstrap scripts when it finds it in the request's CSP header. Styles may
 * be inline: React and Tailwind set `style` attributes. `next dev` also needs eval for its
 * debugging aids.
 */
export function pageContentSecurityPolicy(nonce: string, { dev = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** /api answers JSON, streams and redirects: nothing in it may load or frame anything. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** On every dashboard response, pages and /api alike. */
export const DASHBOARD_HEADERS: { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Not no-referrer: it makes browsers send `Origin: null` on same-origin POSTs, and Next refuses
  // server actions whose Origin does not match the host.
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // frame-ancestors' older spelling, for browsers without CSP level 2.
  { key: "X-Frame-Options", value: "DENY" },
];

/** Sent only over https (a browser ignores it over http anyway); no includeSubDomains, as other hosts of the domain are not ours. */
export const HSTS_HEADER = { key: "Strict-Transport-Security", value: "max-age=31536000" };

/**
 * X-Forwarded-Proto, as next.config.ts `has` matches it (a whole-value regex): the first entry,
 * the one the client used, is https. server.ts speaks plain http, so TLS is always a proxy's.
 */
export const FORWARDED_HTTPS = "\\s*https\\s*(?:,.*)?";

/**
 * Paths the dashboard answers, i.e. not the gateway's (`/v1`, `/ai`, `/client/v4/…`): as a
 * next.config.ts `source`, in path-to-regexp syntax.
 */
export const DASHBOARD_PATHS = "/((?!(?:v1|ai|client)(?:/|$)).*)";

const FORWARDED_HTTPS_VALUE = new RegExp(`^(?:${FORWARDED_HTTPS})$`);

/**
 * The headers next.config.ts puts on an /api answer, for one that server.ts answers itself
 * (`/api/health`, so that probing it does not load Next).
 */
export function apiSecurityHeaders(forwardedProto: string | string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = { "content-security-policy": API_CONTENT_SECURITY_POLICY };
  for (const { key, value } of DASHBOARD_HEADERS) headers[key.toLowerCase()] = value;
  const proto = Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto;
  if (proto !== undefined && FORWARDED_HTTPS_VALUE.test(proto)) headers[HSTS_HEADER.key.toLowerCase()] = HSTS_HEADER.value;
  return headers;
}
