import Link from "next/link";
import { buttonVariants } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
      <p className="text-sm font-medium text-primary">404</p>
      <h1 className="text-xl font-semibold tracking-tight">Not found</h1>
      <p className="max-w-sm text-sm text-muted-foreground">
        This page does not exist, or it belongs to a team you are not a member of.
      </p>
      <Link href="/" className={buttonVariants({ variant: "secondary" })}>
        Go to your teams
      </Link>
    </main>
  );
}
