"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { ServiceError } from "@/lib/services/errors";
import { capitalize, formError, issuesByField, type FormState as ServiceFormState } from "@/lib/forms/form-state";
import { acceptInvitation, acceptInvitationWithSignUp } from "@/lib/services/invitations/accept";
import { endAllSessions } from "@/lib/services/sessions/end-all";
import { completeFirstRun } from "@/lib/services/setup/first-run";
import { changePassword } from "@/lib/services/users/change-password";
import { signIn, signOut } from "./auth";
import { authEnv, oauthProviders } from "./env";
import { messageForAuthError } from "./messages";
import { safeCallbackPath } from "./redirects";
import { anonymousContext, currentSessionId, requireUser, userContext } from "./session";

/** What a form action hands back to its form (useActionState): errors, and the fields to refill. */
export interface FormState {
  error?: string;
  /** Per form field, from the "field: problem" parts of an InvalidInputError. */
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A service's refusal as the form shows it; anything that is not a ServiceError is rethrown. */
function serviceFailure(error: unknown, values: Record<string, string>): FormState {
  if (!(error instanceof ServiceError)) throw error;
  if (error.kind !== "invalid") return { error: capitalize(error.message), values };
  const { fieldErrors, general } = issuesByField(error);
  return { error: general.join(" ") || undefined, fieldErrors, values };
}

/**
 * Runs a sign-in. On success Auth.js redirects (a thrown NEXT_REDIRECT, passed on); a refused
 * sign-in becomes a message for the form.
 */
async function attempt(run: () => Promise<unknown>, values: Record<string, string>): Promise<FormState> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AuthError) return { error: messageForAuthError(error), values };
    throw error;
  }
  return {};
}

/** Ends the session (clears the cookie) and goes to /sign-in. For `<form action={signOutAction}>`. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}

/** Ends every session of the signed-in user, this browser's too, and goes to /sign-in. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser();
  await endAllSessions({ ctx: await userContext(user) });
  await signOut({ redirectTo: "/sign-in" });
}

/** The account page's password change: this browser stays signed in, every other session ends. */
export async function changePasswordAction(_state: ServiceFormState, form: FormData): Promise<ServiceFormState> {
  const user = await requireUser();
  const sessionId = (await currentSessionId()) ?? undefined;
  try {
    const { sessionsEnded } = await changePassword({
      ctx: await userContext(user),
      sessionId,
      currentPassword: field(form, "currentPassword"),
      newPassword: field(form, "newPassword"),
    });
    const others = sessionsEnded === 1 ? "1 other session was" : `${sessionsEnded} other sessions were`;
    return { ok: true, message: `Password changed. ${others} signed out.` };
  } catch (error) {
    return formError(error, { doing: "change this password" });
  }
}

export async function passwordSignInAction(_state: FormState, form: FormData): Promise<FormState> {
  const email = field(form, "email");
  const redirectTo = safeCallbackPath(field(form, "callbackUrl"));
  return attempt(() => signIn("password", { email, password: field(form, "password"), redirectTo }), { email });
}

export async function magicLinkAction(_state: FormState, form: FormData): Promise<FormState> {
  const email = field(form, "email").trim();
  if (!email.includes("@")) return { error: "Enter your email address.", values: { email } };
  const redirectTo = safeCallbackPath(field(form, "callbackUrl"));
  return attempt(() => signIn("email", { email, redirectTo }), { email });
}

export async function oauthSignInAction(form: FormData): Promise<void> {
  const provider = field(form, "provider");
  const redirectTo = safeCallbackPath(field(form, "callbackUrl"));
  if (!oauthProviders(authEnv()).some((p) => p.id === provider)) redirect("/sign-in");
  try {
    await signIn(provider, { redirectTo });
  } catch (error) {
    if (error instanceof AuthError) redirect(`/sign-in?${new URLSearchParams({ error: error.type })}`);
    throw error;
  }
}

/** First run: the owner account and the first team, then signed in and on to the team. */
export async function setupAction(_state: FormState, form: FormData): Promise<FormState> {
  const values = {
    name: field(form, "name"),
    email: field(form, "email"),
    teamName: field(form, "teamName"),
    teamSlug: field(form, "teamSlug"),
  };
  const password = field(form, "password");
  try {
    await completeFirstRun({ ctx: await anonymousContext(), ...values, password });
  } catch (error) {
    return serviceFailure(error, values);
  }
  return attempt(() => signIn("password", { email: values.email, password, redirectTo: "/" }), values);
}

/** The signed-in user accepts an invitation and lands in the team. */
export async function acceptInvitationAction(_state: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  let slug: string;
  try {
    const accepted = await acceptInvitation({
      ctx: await userContext(user),
      secret: field(form, "token"),
    });
    slug = accepted.team.slug;
  } catch (error) {
    return serviceFailure(error, {});
  }
  redirect(`/${slug}`);
}

/** Someone without an account creates one from the invitation, joins, and is signed in. */
export async function signUpWithInvitationAction(_state: FormState, form: FormData): Promise<FormState> {
  const values = { name: field(form, "name"), email: field(form, "email") };
  const password = field(form, "password");
  let slug: string;
  try {
    const accepted = await acceptInvitationWithSignUp({
      ctx: await anonymousContext(),
      secret: field(form, "token"),
      ...values,
      password,
    });
    slug = accepted.team.slug;
  } catch (error) {
    return serviceFailure(error, values);
  }
  return attempt(() => signIn("password", { email: values.email, password, redirectTo: `/${slug}` }), values);
}
