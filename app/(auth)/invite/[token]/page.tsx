import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { acceptInvitationAction, signOutAction, signUpWithInvitationAction } from "@/lib/auth/actions";
import { signInPath } from "@/lib/auth/redirects";
import { anonymousContext, currentUser, userContext } from "@/lib/auth/session";
import { ServiceError } from "@/lib/services/errors";
import { previewInvitation, type InvitationPreview } from "@/lib/services/invitations/preview";
import { listTeamsForUser } from "@/lib/services/teams/list-for-user";
import { AcceptInvitationForm, InvitationSignUpForm } from "../../forms";

export const metadata: Metadata = { title: "Invitation" };

const ROLE_MEANING = {
  owner: "full control, including owners, the team's name and its URL",
  admin: "manage gateways, tokens, provider keys, members and invitations",
  member: "see everything and chat in the playground",
  viewer: "see gateways, tokens, keys and request logs, read-only",
} as const;

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let invitation: InvitationPreview;
  try {
    invitation = await previewInvitation({ ctx: await anonymousContext(), secret: token });
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return (
      <Card>
        <CardHeader>
          <CardTitle>This invitation cannot be used</CardTitle>
        </CardHeader>
        <CardContent className="space-y-4">
          <Alert variant="error">{capitalize(error.message)}</Alert>
          <Link href="/" className="text-sm text-primary underline-offset-4 hover:underline">
            Go to Switchyard
          </Link>
        </CardContent>
      </Card>
    );
  }

  const user = await currentUser();
  const path = `/invite/${token}`;
  const wrongAccount = user && invitation.email && invitation.email !== user.email.toLowerCase();
  const alreadyMember =
    user &&
    (await listTeamsForUser({ ctx: await userContext(user) })).some(
      (team) => team.slug === invitation.team.slug,
    );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Join {invitation.team.name}</CardTitle>
        <CardDescription>
          {invitation.invitedBy ? `${invitation.invitedBy} invited you` : "You are invited"} to the team{" "}
          <span className="font-mono">{invitation.team.slug}</span> as <Badge variant="accent">{invitation.role}</Badge>:{" "}
          {ROLE_MEANING[invitation.role]}.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-5">
        {invitation.email ? (
          <p className="text-sm text-muted-foreground">
            Only <span className="font-medium text-foreground">{invitation.email}</span> can accept this invitation.
          </p>
        ) : null}
        {user ? (
          <>
            {alreadyMember ? (
              <Alert variant="info" title="You are already a member of this team">
                <Link href={`/${invitation.team.slug}`} className="text-primary underline-offset-4 hover:underline">
                  Open {invitation.team.name}
                </Link>
              </Alert>
            ) : wrongAccount ? (
              <Alert variant="warning">
                You are signed in as {user.email}. Sign out and sign in as {invitation.email} to accept.
              </Alert>
            ) : (
              <AcceptInvitationForm action={acceptInvitationAction} token={token} label={`Join as ${user.email}`} />
            )}
            <form action={signOutAction} className="text-center">
              <button type="submit" className="text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline">
                Not {user.email}? Sign out
              </button>
            </form>
          </>
        ) : (
          <>
            <Link href={signInPath(path)} className={buttonVariants({ variant: "secondary", className: "w-full" })}>
              I have an account: sign in to accept
            </Link>
            <div className="space-y-3">
              <p className="text-sm font-medium">New here? Create your account</p>
              <InvitationSignUpForm action={signUpWithInvitationAction} token={token} email={invitation.email} />
            </div>
          </>
        )}
        <p className="text-xs text-muted-foreground">
          The link expires on {invitation.expiresAt.toUTCString()} and works once.
        </p>
      </CardContent>
    </Card>
  );
}
