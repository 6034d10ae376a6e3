import { ArrowRight, Check } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { AnalyticsView } from "@/components/analytics/analytics-view";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { rangeFromSearchParams, searchParam } from "@/lib/analytics/range";
import { requireTeam } from "@/lib/auth/team";
import { getAnalyticsDashboard } from "@/lib/services/analytics/dashboard";
import { listGateways } from "@/lib/services/gateways/list";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { cn } from "@/lib/utils/cn";

export const metadata: Metadata = { title: "Analytics" };

/** The team's analytics over the range in the URL, with the first steps while any is left. */
export default async function TeamAnalyticsPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { team: slug } = await params;
  const { ctx, team } = await requireTeam(slug);
  const query = await searchParams;
  const { range, error } = rangeFromSearchParams(query);
  const [dashboard, gateways, tokens, keys] = await Promise.all([
    getAnalyticsDashboard({ ctx, teamId: team.id, range, by: searchParam(query, "by") }),
    listGateways({ ctx, teamId: team.id }),
    listGatewayTokens({ ctx, teamId: team.id }),
    listProviderKeys({ ctx, teamId: team.id }),
  ]);
  const base = `/${team.slug}`;

  const steps = [
    { done: gateways.length > 0, label: "Create a gateway", about: "Your applications' base URL.", href: `${base}/gateways` },
    { done: keys.length > 0, label: "Add a provider key", about: "OpenAI, Groq or your own model server.", href: `${base}/keys` },
    { done: tokens.some((t) => !t.revokedAt), label: "Create a gateway token", about: "Applications authenticate with it.", href: `${base}/tokens` },
    { done: dashboard.series.totals.requests > 0, label: "Send a first request", about: "From the playground or your code.", href: `${base}/playground` },
  ];
  const gettingStarted = steps.some((step) => !step.done);

  return (
    <>
      <PageHeader title={team.name} description="Analytics across every gateway of the team." />
      <div className="space-y-6">
        {gettingStarted ? (
          <Card>
            <CardHeader>
              <CardTitle>Get started</CardTitle>
              <CardDescription>Four steps from an empty team to a logged, priced request.</CardDescription>
            </CardHeader>
            <ol className="grid divide-y divide-border sm:grid-cols-2 sm:divide-y-0 lg:grid-cols-4">
              {steps.map((step, index) => (
                <li key={step.label} className="sm:border-border lg:border-r lg:last:border-r-0">
                  <Link
                    href={step.href}
                    className="group flex h-full items-start gap-3 px-5 py-4 outline-none hover:bg-muted/50 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset"
                  >
                    <span
                      className={cn(
                        "flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                        step.done ? "bg-emerald-600 text-white dark:bg-emerald-500" : "border border-border bg-card text-muted-foreground",
                      )}
                    >
                      {step.done ? <Check aria-label="done" className="size-3.5" /> : index + 1}
                    </span>
                    <span className="min-w-0">
                      <span className={cn("flex items-center gap-1 text-sm font-medium", step.done && "text-muted-foreground line-through")}>
                        {step.label}
                        {!step.done ? <ArrowRight aria-hidden className="size-3.5 opacity-0 transition-opacity group-hover:opacity-100" /> : null}
                      </span>
                      <span className="block text-xs text-muted-foreground">{step.about}</span>
                    </span>
                  </Link>
                </li>
              ))}
            </ol>
          </Card>
        ) : null}

        <AnalyticsView dashboard={dashboard} range={range} rangeError={error} precision={team.displayPrecision} base={base} teamBase={base} />
      </div>
    </>
  );
}
