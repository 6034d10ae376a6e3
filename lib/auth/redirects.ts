/** The request header proxy.ts sets to the path being visited, so a sign-in can come back to it. */
export const PATH_HEADER = "x-switchyard-path";

/**
 * A same-origin path to go to after signing in, or `/`. Only paths are accepted, so a crafted
 * link cannot send someone to another site (`//evil.example`, `/\evil.example`, `https:…`).
 */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  if (value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}

export function signInPath(callbackPath?: string): string {
  const path = safeCallbackPath(callbackPath);
  return path === "/" ? "/sign-in" : `/sign-in?${new URLSearchParams({ callbackUrl: path })}`;
}
