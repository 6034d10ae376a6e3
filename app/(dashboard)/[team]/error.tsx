"use client";

import { RotateCw } from "lucide-react";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

export default function TeamError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <Card>
      <EmptyState
        title="This page could not be loaded"
        action={
          <Button variant="secondary" onClick={reset}>
            <RotateCw aria-hidden />
            Try again
          </Button>
        }
      >
        Something went wrong on the server. Try again; if it keeps failing, the server log has the details
        {error.digest ? (
          <>
            {" "}
            under <code className="font-mono text-xs">{error.digest}</code>
          </>
        ) : null}
        .
      </EmptyState>
    </Card>
  );
}
