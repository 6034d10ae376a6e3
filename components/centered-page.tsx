import type { ReactNode } from "react";
import { ThemeToggle } from "@/components/theme-toggle";

/** One centred column outside any team: sign-in, setup, invitations, and a user with no team yet. */
export function CenteredPage({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-md space-y-6">
        <div className="flex items-center justify-between">
          <span className="text-sm font-semibold tracking-tight">Switchyard</span>
          <ThemeToggle />
        </div>
        {children}
      </div>
    </main>
  );
}
