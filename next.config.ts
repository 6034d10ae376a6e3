import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM from its own package folder; bundling it breaks that lookup.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@neondatabase/serverless", "ws", "undici"],
  poweredByHeader: false,
  // Gateway responses through the route handlers (`next dev`) must reach clients as the provider
  // sent them, as they do through server.ts; compress at the reverse proxy instead.
  compress: false,
};

export default nextConfig;
