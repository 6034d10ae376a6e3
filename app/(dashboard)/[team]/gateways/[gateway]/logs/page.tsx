import { ChevronRight, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { InvalidInputError, NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import { listLogFacets } from "@/lib/services/logs/facets";
import { wireFormatName } from "@/lib/services/logs/formats";
import { listRequestLogs, type LogListRow } from "@/lib/services/logs/list";
import { formatCost, formatDateTime, formatDuration, formatIsoUtc, formatNumber } from "@/lib/utils/format";
import { AttemptBadges, CacheHitBadge, MetadataChips, StatusBadge } from "./log-parts";
import { logQuery, parseLogQuery, toUtcLocal, type SearchParams } from "./filters";

type Params = Promise<{ team: string; gateway: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Logs · ${(await params).gateway}` };
}

const PRESETS = [
  { label: "Last hour", hours: 1 },
  { label: "24 hours", hours: 24 },
  { label: "7 days", hours: 24 * 7 },
];

export default async function LogsPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  const [{ team: teamSlug, gateway: gatewaySlug }, search] = await Promise.all([params, searchParams]);
  const { ctx, team } = await requireTeam(teamSlug);
  const query = parseLogQuery(search);
  const scope = { ctx, teamId: team.id, gatewaySlug };

  const [gateway, facets, page] = await Promise.all([
    getGateway({ ctx, teamId: team.id, slug: gatewaySlug }),
    listLogFacets(scope),
    listRequestLogs({ ...scope, ...query.filters, cursor: query.cursor })
      .then((result) => ({ ...result, cursorProblem: undefined }))
      .catch(async (error: unknown) => {
        // A hand-edited or stale cursor: start from the newest rather than failing the page.
        if (!(error instanceof InvalidInputError)) throw error;
        const newest = await listRequestLogs({ ...scope, ...query.filters });
        return { ...newest, cursorProblem: "That page link is not valid; showing the newest requests." };
      }),
  ]).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });

  const base = `/${team.slug}/gateways/${gateway.slug}/logs`;
  const filtered = Object.values(query.values).some(Boolean);
  const problems = [...query.problems, ...(page.cursorProblem ? [page.cursorProblem] : [])];
  const now = new Date();

  return (
    <>
      <PageHeader
        breadcrumb={
          <>
            <Link href={`/${team.slug}/gateways`} className="hover:text-foreground hover:underline">
              Gateways
            </Link>
            <ChevronRight aria-hidden className="mx-1 inline size-3.5 align-[-2px]" />
            <Link href={`/${team.slug}/gateways/${gateway.slug}`} className="font-mono hover:text-foreground hover:underline">
              {gateway.slug}
            </Link>
          </>
        }
        title="Request logs"
        description={
          gateway.collectLogs
            ? "Every request through this gateway, newest first. Times are UTC."
            : "Log collection is off for this gateway, so new requests are not recorded."
        }
      />

      <Card className="mb-4">
        <form method="get" action={base} className="grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-[8rem_10rem_1fr_11.5rem_11.5rem_auto] lg:items-end">
          <div className="space-y-1.5">
            <Label htmlFor="f-status">Status</Label>
            <Select id="f-status" name="status" defaultValue={query.values.status}>
              <option value="">Any</option>
              <option value="success">Success</option>
              <option value="error">Error</option>
            </Select>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="f-provider">Provider</Label>
            <Select id="f-provider" name="provider" defaultValue={query.values.provider}>
              <option value="">Any</option>
              {[...new Set([...facets.providers, ...(query.values.provider ? [query.values.provider] : [])])].map((provider) => (
                <option key={provider} value={provider}>
                  {provider}
                </option>
              ))}
            </Select>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="f-model">Model</Label>
            <Input id="f-model" name="model" list="f-models" placeholder="Any" defaultValue={query.values.model} autoComplete="off" />
            <datalist id="f-models">
              {facets.models.map((model) => (
                <option key={model} value={model} />
              ))}
            </datalist>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="f-from">From (UTC)</Label>
            <Input id="f-from" name="from" type="datetime-local" defaultValue={query.values.from} />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="f-to">To (UTC)</Label>
            <Input id="f-to" name="to" type="datetime-local" defaultValue={query.values.to} />
          </div>
          <div className="flex gap-2">
            <Button type="submit" variant="secondary">
              Apply
            </Button>
            {filtered ? (
              <Link href={base} className={buttonVariants({ variant: "ghost" })}>
                Reset
              </Link>
            ) : null}
          </div>
        </form>
        <div className="flex flex-wrap items-center gap-1.5 border-t border-border px-4 py-2 text-xs text-muted-foreground">
          <span className="mr-1">Quick range:</span>
          {PRESETS.map((preset) => (
            <Link
              key={preset.hours}
              href={`${base}${logQuery(query.values, { from: toUtcLocal(new Date(now.getTime() - preset.hours * 3_600_000)), to: undefined, cursor: undefined })}`}
              className="rounded-md px-2 py-1 font-medium text-foreground hover:bg-muted"
            >
              {preset.label}
            </Link>
          ))}
        </div>
      </Card>

      {problems.length > 0 ? (
        <Alert variant="warning" className="mb-4">
          {problems.join(" ")}
        </Alert>
      ) : null}

      <Card>
        {page.logs.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={ScrollText}
              title="No requests match these filters"
              action={
                <Link href={base} className={buttonVariants({ variant: "secondary" })}>
                  Clear filters
                </Link>
              }
            >
              Widen the date range or clear a filter.
            </EmptyState>
          ) : (
            <EmptyState
              icon={ScrollText}
              title="No requests yet"
              action={
                <>
                  <Link href={`/${team.slug}/gateways/${gateway.slug}`} className={buttonVariants({ variant: "secondary" })}>
                    See the quickstart
                  </Link>
                  <Link href={`/${team.slug}/playground`} className={buttonVariants()}>
                    Open the playground
                  </Link>
                </>
              }
            >
              Send a request to this gateway&apos;s base URL, or try a model in the playground. Each request shows up
              here with its tokens, cost and timing.
            </EmptyState>
          )
        ) : (
          <LogTable logs={page.logs} base={base} />
        )}
      </Card>

      {page.logs.length > 0 ? (
        <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-2 text-sm">
          <span className="text-muted-foreground">
            {formatNumber(page.logs.length)} {page.logs.length === 1 ? "request" : "requests"}
            {query.cursor ? " (older page)" : ""}
          </span>
          <div className="flex gap-2">
            {query.cursor ? (
              <Link href={`${base}${logQuery(query.values)}`} className={buttonVariants({ variant: "secondary", size: "sm" })}>
                Newest
              </Link>
            ) : null}
            {page.nextCursor ? (
              <Link
                href={`${base}${logQuery(query.values, { cursor: page.nextCursor })}`}
                className={buttonVariants({ variant: "secondary", size: "sm" })}
              >
                Older
                <ChevronRight aria-hidden />
              </Link>
            ) : null}
          </div>
        </nav>
      ) : null}
    </>
  );
}

function LogTable({ logs, base }: { logs: LogListRow[]; base: string }) {
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Time (UTC)</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Provider · client format</TableHead>
          <TableHead>Model</TableHead>
          <TableHead className="text-right">Tokens in / out</TableHead>
          <TableHead className="text-right">Cost</TableHead>
          <TableHead className="text-right">Duration</TableHead>
          <TableHead>Cache</TableHead>
          <TableHead>Metadata</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {logs.map((log) => (
          <TableRow key={log.id} className="text-[13px]">
            <TableCell className="whitespace-nowrap">
              <Link
                href={`${base}/${log.id}`}
                title={formatIsoUtc(log.createdAt)}
                className="font-medium tabular-nums underline-offset-4 hover:text-primary hover:underline"
              >
                {formatDateTime(log.createdAt)}
              </Link>
              {log.stream ? <span className="ml-1.5 text-xs text-muted-foreground">stream</span> : null}
            </TableCell>
            <TableCell>
              <div className="flex flex-wrap items-center gap-1">
                <StatusBadge log={log} />
                <AttemptBadges log={log} />
              </div>
            </TableCell>
            <TableCell className="text-muted-foreground">
              {log.provider ?? "–"}
              {log.ingressFormat ? <span className="block text-xs whitespace-nowrap">{wireFormatName(log.ingressFormat)}</span> : null}
            </TableCell>
            <TableCell className="max-w-56 truncate font-mono text-xs" title={log.model ?? undefined}>
              {log.model ?? "–"}
            </TableCell>
            <TableCell className="text-right whitespace-nowrap tabular-nums">
              {formatNumber(log.tokensIn)} <span className="text-muted-foreground">/</span> {formatNumber(log.tokensOut)}
            </TableCell>
            <TableCell className="text-right tabular-nums" title={log.customCost ? "Custom cost sent by the client" : undefined}>
              {formatCost(log.costMicros)}
              {log.customCost ? <span className="text-muted-foreground">*</span> : null}
            </TableCell>
            <TableCell className="text-right whitespace-nowrap tabular-nums">{formatDuration(log.durationMs)}</TableCell>
            <TableCell>{log.cached ? <CacheHitBadge /> : <span className="text-muted-foreground">–</span>}</TableCell>
            <TableCell className="max-w-64">
              <MetadataChips values={log.metadata} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
