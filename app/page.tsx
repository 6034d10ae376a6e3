import { redirect } from "next/navigation";
import { createTeamAction } from "@/app/(dashboard)/[team]/actions";
import { CreateTeamForm } from "@/components/create-team-form";
import { CenteredPage } from "@/components/centered-page";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { signOutAction } from "@/lib/auth/actions";
import { anonymousContext, currentUser, userContext } from "@/lib/auth/session";
import { isFirstRun } from "@/lib/services/setup/first-run";
import { listTeamsForUser } from "@/lib/services/teams/list-for-user";

export const dynamic = "force-dynamic";

/** `/` sends everyone where they belong: setup on a fresh install, sign-in, or their first team. */
export default async function Home() {
  const user = await currentUser();
  if (!user) {
    redirect((await isFirstRun({ ctx: await anonymousContext() })) ? "/setup" : "/sign-in");
  }
  const teams = await listTeamsForUser({ ctx: await userContext(user) });
  if (teams[0]) redirect(`/${teams[0].slug}`);

  // Signed in but in no team (e.g. signed in by link without an invitation): offer to create one.
  return (
    <CenteredPage>
      <Card>
        <CardHeader>
          <CardTitle>Create your first team</CardTitle>
          <CardDescription>
            You are signed in as {user.email} but not a member of any team yet. Create one, or open the invitation
            link a team admin sent you.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <CreateTeamForm action={createTeamAction} />
        </CardContent>
      </Card>
      <form action={signOutAction} className="text-center">
        <button type="submit" className="text-sm text-muted-foreground underline-offset-4 hover:text-foreground hover:underline">
          Sign out
        </button>
      </form>
    </CenteredPage>
  );
}
