import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER, signInPath } from "@/lib/auth/redirects";
import { newNonce, NONCE_HEADER, pageContentSecurityPolicy } from "@/lib/security-headers";

/** Pages anyone may open: signing in, first-run setup, and invitation links. */
const PUBLIC_PAGES = /^\/(?:sign-in(?:\/.*)?|sign-out|setup|invite\/[^/]+)$/;

// Auth.js names the cookie after the scheme (`__Secure-` over https) and splits a large token
// into `.0`, `.1`, … chunks.
const SESSION_COOKIE = /^(?:__Secure-)?authjs\.session-token(?:\.\d+)?$/;

/**
 * An early, optimistic check for portal pages: no session cookie, straight to /sign-in (and back
 * afterwards). It only looks for the cookie; pages still verify the session (requireUser /
 * requireTeam) and services check roles, as Next's docs advise.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (!PUBLIC_PAGES.test(pathname) && !request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name))) {
    return NextResponse.redirect(new URL(signInPath(pathname + search), request.url));
  }
  // Server components cannot see the URL; requireUser() reads this to come back here after sign-in.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, pathname + search);
  // Next takes the nonce for its own scripts from the request's CSP; the root layout reads it
  // for the theme script from NONCE_HEADER.
  const nonce = newNonce();
  const policy = pageContentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  headers.set(NONCE_HEADER, nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Never the gateway (a matched request has its body buffered by Next), nor API routes (they
  // answer 401, not a redirect), nor static files.
  matcher: ["/((?!(?:v1|ai|client|api|metrics|_next)(?:/|$)|favicon\\.ico$|.*\\.[A-Za-z0-9]+$).*)"],
};
