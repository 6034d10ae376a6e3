import { ArrowRight, Check } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { HourlyBars } from "@/components/charts/hourly-bars";
import { Stat } from "@/components/stat";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { listGateways } from "@/lib/services/gateways/list";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { getUsageOverview } from "@/lib/services/usage/overview";
import { cn } from "@/lib/utils/cn";
import { formatCompact, formatCost, formatDate, formatDuration, formatNumber, formatPercent } from "@/lib/utils/format";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team } = await requireTeam(slug);
  const [usage, gateways, tokens, keys] = await Promise.all([
    getUsageOverview({ ctx, teamId: team.id }),
    listGateways({ ctx, teamId: team.id }),
    listGatewayTokens({ ctx, teamId: team.id }),
    listProviderKeys({ ctx, teamId: team.id }),
  ]);
  const { today } = usage;
  const tokensToday = today.tokensIn + today.tokensOut;
  const base = `/${team.slug}`;

  const steps = [
    { done: gateways.length > 0, label: "Create a gateway", about: "Your applications' base URL.", href: `${base}/gateways` },
    { done: keys.length > 0, label: "Add a provider key", about: "OpenAI, Groq or your own model server.", href: `${base}/keys` },
    { done: tokens.some((t) => !t.revokedAt), label: "Create a gateway token", about: "Applications authenticate with it.", href: `${base}/tokens` },
    { done: today.requests > 0 || usage.hourly.some((h) => h.requests > 0), label: "Send a first request", about: "From the playground or your code.", href: `${base}/playground` },
  ];
  const gettingStarted = steps.some((step) => !step.done);

  return (
    <>
      <PageHeader title={team.name} description={`Today so far (UTC, since ${formatDate(usage.since)}), across every gateway of the team.`} />
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

        <section aria-label="Today" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Stat
            label="Requests"
            value={formatCompact(today.requests)}
            title={formatNumber(today.requests)}
            detail={today.cachedRequests > 0 ? `${formatNumber(today.cachedRequests)} from cache` : "today"}
          />
          <Stat
            label="Tokens"
            value={formatCompact(tokensToday)}
            title={formatNumber(tokensToday)}
            detail={`${formatCompact(today.tokensIn)} in · ${formatCompact(today.tokensOut)} out`}
          />
          <Stat label="Cost" value={formatCost(today.costMicros)} detail="at catalog prices" />
          <Stat
            label="Error rate"
            value={formatPercent(today.errors, today.requests)}
            detail={`${formatNumber(today.errors)} failed · avg ${formatDuration(today.requests ? today.durationMsTotal / today.requests : null)}`}
          />
        </section>

        <Card>
          <CardHeader>
            <CardTitle>Last 24 hours</CardTitle>
          </CardHeader>
          <CardContent>
            <HourlyBars data={usage.hourly} />
          </CardContent>
        </Card>

        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Gateways today</CardTitle>
            </CardHeader>
            {usage.byGateway.length === 0 ? (
              <p className="px-5 py-6 text-sm text-muted-foreground">No traffic today yet.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Gateway</TableHead>
                    <TableHead className="text-right">Requests</TableHead>
                    <TableHead className="text-right">Errors</TableHead>
                    <TableHead className="text-right">Cost</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {usage.byGateway.map((row) => (
                    <TableRow key={row.gatewaySlug ?? "(none)"}>
                      <TableCell>
                        {row.gatewaySlug ? (
                          <Link href={`${base}/gateways/${row.gatewaySlug}/logs`} className="font-mono text-[13px] hover:text-primary hover:underline">
                            {row.gatewaySlug}
                          </Link>
                        ) : (
                          <span className="text-muted-foreground" title="Refused before a gateway was known, or the gateway was deleted">
                            no gateway
                          </span>
                        )}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(row.requests)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatPercent(row.errors, row.requests)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatCost(row.costMicros)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Top models today</CardTitle>
            </CardHeader>
            {usage.byModel.length === 0 ? (
              <p className="px-5 py-6 text-sm text-muted-foreground">No traffic today yet.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Model</TableHead>
                    <TableHead className="text-right">Requests</TableHead>
                    <TableHead className="text-right">Tokens</TableHead>
                    <TableHead className="text-right">Cost</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {usage.byModel.map((row) => (
                    <TableRow key={`${row.provider}/${row.model}`}>
                      <TableCell className="max-w-60 truncate">
                        <span className="text-muted-foreground">{row.provider || "–"}/</span>
                        <span className="font-mono text-[13px]">{row.model || "–"}</span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(row.requests)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatCompact(row.tokensIn + row.tokensOut)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatCost(row.costMicros)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
