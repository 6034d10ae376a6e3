import type { Metadata } from "next";
import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { SubmitButton } from "@/components/ui/submit-button";
import { signOutAction } from "@/lib/auth/actions";

export const metadata: Metadata = { title: "Sign out" };

/**
 * A confirmation, because signing out takes a POST: a GET that signed people out could be
 * triggered by any page that links or embeds this URL.
 */
export default function SignOutPage() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign out?</CardTitle>
        <CardDescription>You will need to sign in again to use the portal in this browser.</CardDescription>
      </CardHeader>
      <CardFooter>
        <Link href="/" className={buttonVariants({ variant: "ghost" })}>
          Cancel
        </Link>
        <form action={signOutAction}>
          <SubmitButton pendingLabel="Signing out…">Sign out</SubmitButton>
        </form>
      </CardFooter>
    </Card>
  );
}
