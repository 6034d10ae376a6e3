import { AuthError, CredentialsSignin } from "next-auth";

/**
 * What the sign-in page says for an `?error=` from Auth.js (OAuth and magic-link callbacks land
 * there) or for an error caught in a sign-in action.
 */
const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  rate_limited: "Too many failed sign-in attempts for this email or network. Wait 15 minutes and try again.",
  RateLimited: "Too many sign-in links requested for this email or network. Wait 15 minutes and try again.",
  Verification: "This sign-in link is invalid, already used or expired. Request a new one.",
  OAuthAccountNotLinked:
    "An account with this email already exists. Sign in the way you did before (password or link); this provider is not linked to it.",
  AccessDenied: "Sign-in was refused.",
  OAuthCallbackError: "The sign-in provider reported an error. Try again.",
  OAuthSignInError: "Could not start the sign-in with that provider. Try again.",
  Configuration: "Sign-in is not configured correctly on the server. The server log has the details.",
};

const FALLBACK = "Sign-in failed. Try again.";

export function signInErrorMessage(error: string | undefined, code?: string): string | undefined {
  if (!error) return undefined;
  if (error === "CredentialsSignin" && code && MESSAGES[code]) return MESSAGES[code];
  return MESSAGES[error] ?? FALLBACK;
}

export function messageForAuthError(error: AuthError): string {
  if (error instanceof CredentialsSignin) return signInErrorMessage("CredentialsSignin", error.code)!;
  return signInErrorMessage(error.type) ?? FALLBACK;
}
