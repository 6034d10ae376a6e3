import type { ReactNode } from "react";
import { MobileNav } from "@/components/mobile-nav";
import { Sidebar, type SidebarProps } from "@/components/sidebar";
import { requireTeam } from "@/lib/auth/team";
import { isOperator } from "@/lib/services/operator/access";
import { listTeamsForUser } from "@/lib/services/teams/list-for-user";
import { createTeamAction } from "./actions";

export default async function TeamLayout({ children, params }: { children: ReactNode; params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role, user } = await requireTeam(slug);
  const [teams, operator] = await Promise.all([listTeamsForUser({ ctx }), isOperator(ctx)]);
  const sidebar: SidebarProps = {
    current: { slug: team.slug, name: team.name, role },
    teams: teams.map((t) => ({ slug: t.slug, name: t.name, role: t.role })),
    user: { email: user.email, name: user.name },
    createTeam: createTeamAction,
    operator,
  };
  return (
    <div className="lg:flex lg:min-h-dvh">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-sm text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      {/* The aside stretches to the page's full height (its border and background run down long
          pages); the navigation inside it stays in view as the page scrolls. */}
      <aside className="hidden w-60 shrink-0 border-r border-border bg-subtle lg:block">
        <div className="sticky top-0 h-dvh">
          <Sidebar {...sidebar} />
        </div>
      </aside>
      <MobileNav title={team.name}>
        <Sidebar {...sidebar} />
      </MobileNav>
      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 lg:px-8 lg:py-8">{children}</div>
      </main>
    </div>
  );
}
