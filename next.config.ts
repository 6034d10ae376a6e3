import type { NextConfig } from "next";
import {
  API_CONTENT_SECURITY_POLICY,
  DASHBOARD_HEADERS,
  DASHBOARD_PATHS,
  FORWARDED_HTTPS,
  HSTS_HEADER,
} from "./lib/security-headers";

const nextConfig: NextConfig = {
  // PGlite and re2-wasm (DLP's custom patterns) load their WASM from their own package folders; bundling them breaks that lookup.
  serverExternalPackages: ["@electric-sql/pglite", "re2-wasm", "pg", "@neondatabase/serverless", "ws", "undici"],
  poweredByHeader: false,
  // Gateway responses through the route handlers (`next dev`) must reach clients as the provider
  // sent them, as they do through server.ts; compress at the reverse proxy instead.
  compress: false,
  // Every dashboard response; gateway paths are API responses for SDKs and get none. Pages get
  // their Content-Security-Policy, with a per-request nonce, from proxy.ts, whose matcher leaves
  // /api out, so /api gets its own here.
  async headers() {
    return [
      { source: DASHBOARD_PATHS, headers: DASHBOARD_HEADERS },
      { source: DASHBOARD_PATHS, has: [{ type: "header", key: "x-forwarded-proto", value: FORWARDED_HTTPS }], headers: [HSTS_HEADER] },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
