import NextAuth from "next-auth";
import { headers } from "next/headers";
import { NextRequest } from "next/server";
import { db } from "@/db/client";
import { config } from "@/lib/config";
import { authConfig } from "./config";
import { authEnv } from "./env";
import { clientIp } from "./rate-limit";
import { loadAuthSecret } from "./secret";

let secret: string | undefined | null = null;

async function requestHeaders(): Promise<Headers | undefined> {
  try {
    return await headers();
  } catch {
    // Outside a request (a script): there is no client to rate-limit.
    return undefined;
  }
}

/**
 * Configured per request (Auth.js "lazy initialization") so that nothing — the database, the
 * generated secret — is touched at build time, and the client address is known for rate limits.
 */
const nextAuth = NextAuth(async (request) => {
  if (secret === null) {
    secret = loadAuthSecret(process.env, config().dataDir);
    // Auth.js takes its origin (links, redirects, whether cookies are `secure`) from AUTH_URL, else
    // from each request's Host and X-Forwarded-Proto. A public URL the operator configured is the
    // better answer: it cannot be spoofed with a Host header.
    if (!process.env.AUTH_URL && process.env.SWITCHYARD_PUBLIC_URL) process.env.AUTH_URL = config().publicUrl;
  }
  const source = request?.headers ?? (await requestHeaders());
  return authConfig({
    db: await db(),
    env: authEnv(),
    secret,
    ip: source ? clientIp(source) : "unknown",
    userAgent: source?.get("user-agent") ?? null,
    publicUrl: config().publicUrl,
  });
});

/**
 * Next gives route handlers behind our custom server a URL on its own default origin
 * (http://localhost:3000), not the one the browser used; Auth.js would redirect there. Rebuild it
 * from the headers, as Auth.js itself does for server actions and server components.
 */
function withRequestOrigin(request: NextRequest): NextRequest {
  if (process.env.AUTH_URL) return request;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return request;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  const { pathname, search } = request.nextUrl;
  return new NextRequest(`${proto}://${host}${pathname}${search}`, request);
}

export const { auth, signIn, signOut } = nextAuth;

export const handlers = {
  GET: (request: NextRequest) => nextAuth.handlers.GET(withRequestOrigin(request)),
  POST: (request: NextRequest) => nextAuth.handlers.POST(withRequestOrigin(request)),
};
