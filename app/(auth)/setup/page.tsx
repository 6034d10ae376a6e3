import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { setupAction } from "@/lib/auth/actions";
import { anonymousContext } from "@/lib/auth/session";
import { isFirstRun } from "@/lib/services/setup/first-run";
import { SetupForm } from "../forms";

export const metadata: Metadata = { title: "Set up" };

// Whether anyone exists yet is a run-time question.
export const dynamic = "force-dynamic";

/** First run: the owner account and the first team. Once anyone exists, it is closed. */
export default async function SetupPage() {
  if (!(await isFirstRun({ ctx: await anonymousContext() }))) redirect("/sign-in");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Welcome to Switchyard</CardTitle>
        <CardDescription>
          Create the owner account and your first team. You can invite others and add more teams afterwards.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <SetupForm action={setupAction} />
      </CardContent>
    </Card>
  );
}
