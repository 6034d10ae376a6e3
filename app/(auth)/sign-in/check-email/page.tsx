import type { Metadata } from "next";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { authEnv } from "@/lib/auth/env";

export const metadata: Metadata = { title: "Check your email" };

// Whether SMTP is configured is read at run time, not baked in at build time.
export const dynamic = "force-dynamic";

/** Where Auth.js sends the browser after a sign-in link was requested. */
export default function CheckEmailPage() {
  const emailed = Boolean(authEnv().smtpUrl);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{emailed ? "Check your email" : "Check the server log"}</CardTitle>
        <CardDescription>
          {emailed
            ? "If the address can sign in, a link is on its way. It works once and expires in an hour."
            : "This server has no email set up (SMTP_URL), so the sign-in link was written to its log. Open it in this browser; it works once and expires in an hour."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Link href="/sign-in" className="text-sm text-primary underline-offset-4 hover:underline">
          Back to sign-in
        </Link>
      </CardContent>
    </Card>
  );
}
