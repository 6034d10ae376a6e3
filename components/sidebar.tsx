import { FlaskConical, History, KeyRound, KeySquare, LayoutDashboard, LogOut, Network, ScrollText, Settings, ShieldCheck, Ticket, Users, Wallet } from "lucide-react";
import Link from "next/link";
import type { FormState } from "@/lib/forms/form-state";
import { signOutAction } from "@/lib/auth/actions";
import { NavLink } from "./nav-link";
import { TeamSwitcher, type SwitcherTeam } from "./team-switcher";
import { ThemeToggle } from "./theme-toggle";

export interface SidebarProps {
  current: SwitcherTeam;
  teams: SwitcherTeam[];
  user: { email: string; name: string | null };
  createTeam: (state: FormState, form: FormData) => Promise<FormState>;
  /** The user is the deployment's operator: the operator page is linked. */
  operator?: boolean;
}

/** The team's navigation: team switcher on top, the sections, and the user with theme and sign-out at the bottom. */
export function Sidebar({ current, teams, user, createTeam, operator = false }: SidebarProps) {
  const base = `/${current.slug}`;
  const sections = [
    { href: base, label: "Analytics", icon: LayoutDashboard, exact: true },
    { href: `${base}/gateways`, label: "Gateways", icon: Network },
    { href: `${base}/logs`, label: "Logs", icon: ScrollText },
    { href: `${base}/tokens`, label: "Tokens", icon: Ticket },
    { href: `${base}/api-tokens`, label: "API tokens", icon: KeySquare },
    { href: `${base}/keys`, label: "Provider keys", icon: KeyRound },
    { href: `${base}/budgets`, label: "Budgets", icon: Wallet },
    { href: `${base}/playground`, label: "Playground", icon: FlaskConical },
  ];
  const teamSections = [
    { href: `${base}/members`, label: "Members", icon: Users },
    { href: `${base}/settings`, label: "Settings", icon: Settings },
    { href: `${base}/audit`, label: "Audit log", icon: History },
  ];
  const deploymentSections = operator ? [{ href: `${base}/operator`, label: "Operator", icon: ShieldCheck }] : [];
  return (
    <div className="flex h-full flex-col gap-4 p-3">
      <TeamSwitcher current={current} teams={teams} createTeam={createTeam} />
      <nav aria-label="Team" className="flex flex-1 flex-col gap-4">
        <ul className="space-y-0.5">
          {sections.map(({ href, label, icon: Icon, exact }) => (
            <li key={href}>
              <NavLink href={href} exact={exact}>
                <Icon aria-hidden />
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
        <div>
          <p className="px-2.5 pb-1 text-xs font-medium text-muted-foreground">Team</p>
          <ul className="space-y-0.5">
            {teamSections.map(({ href, label, icon: Icon }) => (
              <li key={href}>
                <NavLink href={href}>
                  <Icon aria-hidden />
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
        {deploymentSections.length > 0 ? (
          <div>
            <p className="px-2.5 pb-1 text-xs font-medium text-muted-foreground">Deployment</p>
            <ul className="space-y-0.5">
              {deploymentSections.map(({ href, label, icon: Icon }) => (
                <li key={href}>
                  <NavLink href={href}>
                    <Icon aria-hidden />
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </nav>
      <div className="space-y-3 border-t border-border pt-3">
        <div className="flex items-center justify-between gap-2 px-1">
          <span className="text-xs text-muted-foreground">Theme</span>
          <ThemeToggle />
        </div>
        <div className="flex items-center gap-2 px-1">
          <Link
            href={`${base}/account`}
            title="Account: password and sessions"
            className="min-w-0 flex-1 rounded-md px-1 outline-none hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring"
          >
            {user.name ? <p className="truncate text-sm font-medium">{user.name}</p> : null}
            <p className="truncate text-xs text-muted-foreground">{user.email}</p>
          </Link>
          <form action={signOutAction}>
            <button
              type="submit"
              title="Sign out"
              aria-label="Sign out"
              className="inline-flex size-8 items-center justify-center rounded-md text-muted-foreground transition-colors outline-none hover:bg-muted hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
            >
              <LogOut aria-hidden className="size-4" />
            </button>
          </form>
        </div>
      </div>
    </div>
  );
}
