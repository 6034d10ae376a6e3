import { DrizzleAdapter } from "@auth/drizzle-adapter";
import type { NextAuthConfig } from "next-auth";
import { AuthError, CredentialsSignin } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { EmailConfig } from "next-auth/providers";
import Nodemailer from "next-auth/providers/nodemailer";
import type { Database } from "@/db/client";
import { errorLine } from "@/lib/error-line";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { newId } from "@/lib/ids";
import { endSession } from "@/lib/services/sessions/end";
import { SESSION_MAX_AGE_SECONDS, startSession } from "@/lib/services/sessions/start";
import { isFirstRun } from "@/lib/services/setup/first-run";
import type { AuthEnv } from "./env";
import { checkPassword, normalizeEmail } from "./password";
import { clientIp, MAGIC_LINK_REQUESTS, recordWithinLimit } from "./rate-limit";

/** Thrown by the password provider when the limit is reached; `code` reaches the sign-in page. */
export class RateLimitedSignIn extends CredentialsSignin {
  code = "rate_limited";
}

declare module "next-auth" {
  interface Session {
    /** The server-side session row's id (user_sessions); absent for a cookie from before they existed. */
    sessionId?: string;
  }
}

/** Where Auth.js sends people: our pages, never its built-in ones. */
export const AUTH_PAGES = {
  signIn: "/sign-in",
  signOut: "/sign-out",
  error: "/sign-in",
  verifyRequest: "/sign-in/check-email",
} as const;

const MAGIC_LINK_MAX_AGE_SECONDS = 60 * 60;

/**
 * The Drizzle adapter over our tables, creating users with our `user_…` ids and lower-cased
 * addresses so OAuth, magic-link and password users share one namespace.
 */
function adapter(db: Database): Adapter {
  const base = DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  });
  return {
    ...base,
    createUser: (user) => base.createUser!({ ...user, id: newId("user"), email: normalizeEmail(user.email) }),
    getUserByEmail: (email) => base.getUserByEmail!(normalizeEmail(email)),
  };
}

function logMagicLink({ identifier, url }: { identifier: string; url: string }): void {
  console.log(`[switchyard] sign-in link for ${identifier} (SMTP_URL is not set, so it is logged, not emailed): ${url}`);
}

/**
 * Emails the link through SMTP, on the configured public URL. Auth.js would otherwise build it
 * from the request's Host header, and anyone could request a link for someone else with a Host of
 * their own: the victim's click would then hand them the token.
 */
function emailMagicLink(smtpUrl: string, from: string, publicUrl: string): EmailConfig["sendVerificationRequest"] {
  const send = Nodemailer({ server: smtpUrl, from }).sendVerificationRequest;
  const publicOrigin = new URL(publicUrl).origin;
  return (params) => {
    const link = new URL(params.url);
    const requestOrigin = link.origin;
    const rebased = (url: string) => publicOrigin + url.slice(requestOrigin.length);
    const callbackUrl = URL.parse(link.searchParams.get("callbackUrl") ?? "");
    if (callbackUrl?.origin === requestOrigin) link.searchParams.set("callbackUrl", rebased(callbackUrl.href));
    return send({ ...params, url: rebased(link.toString()) });
  };
}

/**
 * The whole Auth.js configuration. `ip` is the client's address for the request being handled,
 * used to rate-limit magic links (the password provider reads it from its own request).
 */
export function authConfig({
  db,
  env,
  secret,
  ip,
  userAgent,
  publicUrl,
}: {
  db: Database;
  env: AuthEnv;
  secret: string | undefined;
  ip: string;
  userAgent: string | null;
  /** SWITCHYARD_PUBLIC_URL: emailed links point here. */
  publicUrl: string;
}): NextAuthConfig {
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      id: "password",
      name: "Password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw, request) {
        const result = await checkPassword(db, raw, clientIp(request.headers));
        if (result === "rate_limited") throw new RateLimitedSignIn();
        return result;
      },
    }),
    Nodemailer({
      id: "email",
      name: "Email",
      server: env.smtpUrl ?? "smtp://unused.invalid",
      from: env.emailFrom,
      maxAge: MAGIC_LINK_MAX_AGE_SECONDS,
      sendVerificationRequest: env.smtpUrl ? emailMagicLink(env.smtpUrl, env.emailFrom, publicUrl) : logMagicLink,
    }),
  ];
  if (env.github) providers.push(GitHub);
  if (env.google) providers.push(Google);
  if (env.oidc) providers.push({ id: "oidc", name: env.oidc.name, type: "oidc", issuer: env.oidc.issuer });

  return {
    adapter: adapter(db),
    providers,
    secret,
    // Self-hosted: no platform sets the origin, so take it from SWITCHYARD_PUBLIC_URL / AUTH_URL
    // (auth.ts) or else from the Host and X-Forwarded-* headers of the deployment's own proxy.
    trustHost: true,
    // Credentials sign-in only works with JWT sessions. Cookies are httpOnly, and Auth.js makes
    // them `secure` (with the __Secure- prefix) when the request URL is https: AUTH_URL, or
    // X-Forwarded-Proto from the TLS-terminating proxy.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: AUTH_PAGES,
    callbacks: {
      async signIn({ account, email, user }) {
        // Until the owner exists, the only way in is /setup; a magic link or OAuth login must
        // not create a first user who then owns nothing and blocks setup.
        if (account?.provider !== "password" && (await isFirstRun({ ctx: { db, actor: { type: "operator" } } }))) {
          return "/setup";
        }
        if (email?.verificationRequest && user.email) {
          const keys = [`email:${normalizeEmail(user.email)}`, `ip:${ip}`];
          if (!(await recordWithinLimit(db, MAGIC_LINK_REQUESTS, keys))) return "/sign-in?error=RateLimited";
        }
        return true;
      },
      // A sign-in gets its server-side session row (lib/services/sessions); the JWT carries its id.
      async jwt({ token, user }) {
        if (user?.id) token.sid = await startSession({ db, userId: user.id, userAgent, ip });
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        if (typeof token.sid === "string") session.sessionId = token.sid;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const sid = "token" in message ? message.token?.sid : undefined;
        if (typeof sid === "string") await endSession({ db, sessionId: sid });
      },
    },
    logger: {
      error(error) {
        // A wrong password is an answer, not a server error.
        if (error instanceof CredentialsSignin) return;
        const name = error instanceof AuthError ? error.type : error.name;
        console.error(`[auth][error] ${name}: ${errorLine(error)}`);
      },
    },
  };
}
