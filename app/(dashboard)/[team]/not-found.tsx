"use client";

import { SearchX } from "lucide-react";
import Link from "next/link";
import { useParams } from "next/navigation";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

/** A missing page inside a team: shown inside the team's layout, so the sidebar stays. */
export default function TeamNotFound() {
  const { team } = useParams<{ team: string }>();
  return (
    <Card>
      <EmptyState
        icon={SearchX}
        title="Page not found"
        action={
          <Link href={`/${team}`} className={buttonVariants({ variant: "secondary" })}>
            Back to the overview
          </Link>
        }
      >
        Nothing is at this address in the team: it may have been deleted or renamed, or the link is mistyped.
      </EmptyState>
    </Card>
  );
}
