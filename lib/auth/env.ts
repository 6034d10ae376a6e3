/**
 * The sign-in settings Switchyard reads itself. Auth.js reads its own variables too (AUTH_SECRET,
 * AUTH_URL, AUTH_TRUST_HOST, AUTH_GITHUB_ID, …) straight from the environment.
 */
export interface AuthEnv {
  /** `smtp://user:pass@host:587`; without it, magic links are printed to the server log. */
  smtpUrl: string | undefined;
  emailFrom: string;
  github: boolean;
  google: boolean;
  oidc: { issuer: string; name: string } | undefined;
}

export function loadAuthEnv(env: Readonly<Record<string, string | undefined>> = process.env): AuthEnv {
  const set = (...names: string[]) => names.every((name) => Boolean(env[name]));
  return {
    smtpUrl: env.SMTP_URL || undefined,
    emailFrom: env.EMAIL_FROM || "Switchyard <no-reply@localhost>",
    github: set("AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET"),
    google: set("AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET"),
    oidc: set("AUTH_OIDC_ISSUER", "AUTH_OIDC_ID", "AUTH_OIDC_SECRET")
      ? { issuer: env.AUTH_OIDC_ISSUER!, name: env.AUTH_OIDC_NAME || "Single sign-on" }
      : undefined,
  };
}

let current: AuthEnv | undefined;

export function authEnv(): AuthEnv {
  current ??= loadAuthEnv();
  return current;
}

export interface OAuthProviderInfo {
  id: string;
  name: string;
}

/** The OAuth/OIDC providers configured, for the sign-in page's buttons. */
export function oauthProviders(env: AuthEnv): OAuthProviderInfo[] {
  return [
    ...(env.github ? [{ id: "github", name: "GitHub" }] : []),
    ...(env.google ? [{ id: "google", name: "Google" }] : []),
    ...(env.oidc ? [{ id: "oidc", name: env.oidc.name }] : []),
  ];
}
