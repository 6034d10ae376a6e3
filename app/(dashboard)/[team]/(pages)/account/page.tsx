import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { changePasswordAction, signOutEverywhereAction } from "@/lib/auth/actions";
import { currentSessionId } from "@/lib/auth/session";
import { requireTeam } from "@/lib/auth/team";
import { listSessions } from "@/lib/services/sessions/list";
import { PASSWORD_MIN_LENGTH } from "@/lib/services/users/create";
import { formatDateTime } from "@/lib/utils/format";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, user } = await requireTeam(slug);
  const [sessions, thisSession] = await Promise.all([listSessions({ ctx }), currentSessionId()]);
  return (
    <>
      <PageHeader title="Account" description={user.name ? `${user.name} · ${user.email}` : user.email} />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Password</CardTitle>
            <CardDescription>Changing it signs out every other browser; this one stays signed in.</CardDescription>
          </CardHeader>
          <PasswordForm action={changePasswordAction} minLength={PASSWORD_MIN_LENGTH} />
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
            <CardDescription>
              {sessions.length === 1 ? "1 browser is" : `${sessions.length} browsers are`} signed in to this account.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="divide-y divide-border text-sm" aria-label="Signed-in sessions">
              {sessions.map((session) => (
                <li key={session.id} className="flex flex-wrap items-baseline gap-x-3 py-2">
                  <span className="font-medium">Since {formatDateTime(session.createdAt)}</span>
                  <span className="min-w-0 flex-1 truncate text-muted-foreground">
                    {session.userAgent ?? "Unknown browser"}
                    {session.ip ? ` · ${session.ip}` : ""}
                  </span>
                  {session.id === thisSession ? <span className="text-xs text-primary">This browser</span> : null}
                </li>
              ))}
            </ul>
          </CardContent>
          <CardFooter>
            <form action={signOutEverywhereAction}>
              <Button type="submit" variant="destructive">
                Sign out everywhere
              </Button>
            </form>
          </CardFooter>
        </Card>
      </div>
    </>
  );
}
