import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { magicLinkAction, oauthSignInAction, passwordSignInAction } from "@/lib/auth/actions";
import { authEnv, oauthProviders } from "@/lib/auth/env";
import { signInErrorMessage } from "@/lib/auth/messages";
import { safeCallbackPath } from "@/lib/auth/redirects";
import { anonymousContext, currentUser } from "@/lib/auth/session";
import { isFirstRun } from "@/lib/services/setup/first-run";
import { MagicLinkForm, PasswordSignInForm } from "../forms";

export const metadata: Metadata = { title: "Sign in" };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(first(params.callbackUrl));
  if (await isFirstRun({ ctx: await anonymousContext() })) redirect("/setup");
  if (await currentUser()) redirect(callbackUrl);

  const env = authEnv();
  const providers = oauthProviders(env);
  const error = signInErrorMessage(first(params.error), first(params.code));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in to Switchyard</CardTitle>
        <CardDescription>Use your email and password, or get a sign-in link by email.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-6">
        {error ? <Alert variant="error">{error}</Alert> : null}
        <PasswordSignInForm action={passwordSignInAction} callbackUrl={callbackUrl} />
        <Divider>or</Divider>
        <MagicLinkForm
          action={magicLinkAction}
          callbackUrl={callbackUrl}
          hint={
            env.smtpUrl
              ? "We email you a link that signs you in; it works once, for an hour."
              : "Email is not set up on this server (SMTP_URL), so the link is written to the server's log."
          }
        />
        {providers.length > 0 ? (
          <>
            <Divider>or continue with</Divider>
            <div className="grid gap-2">
              {providers.map((provider) => (
                <form key={provider.id} action={oauthSignInAction}>
                  <input type="hidden" name="provider" value={provider.id} />
                  <input type="hidden" name="callbackUrl" value={callbackUrl} />
                  <Button type="submit" variant="secondary" className="w-full">
                    {provider.name}
                  </Button>
                </form>
              ))}
            </div>
          </>
        ) : null}
        <p className="text-center text-sm text-muted-foreground">
          No account yet? Ask an admin of your team for an invitation link.
        </p>
      </CardContent>
    </Card>
  );
}

function Divider({ children }: { children: string }) {
  return (
    <div className="flex items-center gap-3 text-xs text-muted-foreground" role="separator">
      <span className="h-px flex-1 bg-border" />
      {children}
      <span className="h-px flex-1 bg-border" />
    </div>
  );
}
