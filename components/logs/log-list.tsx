import { ChevronLeft, ChevronRight, ScrollText } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { ConfirmAction } from "@/components/confirm-action";
import { ExportLinks, FilterButtons, UtcRangeFields } from "@/components/list-filters";
import { Alert } from "@/components/ui/alert";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import type { Role } from "@/db/schema";
import type { FormState } from "@/lib/forms/form-state";
import type { ServiceContext } from "@/lib/services/context";
import { InvalidInputError } from "@/lib/services/errors";
import { listLogFacets } from "@/lib/services/logs/facets";
import { countRequestLogs, LOG_COUNT_LIMIT, LOG_PAGE_SIZE, listRequestLogs } from "@/lib/services/logs/list";
import { parseLogSearch, toUtcLocal, type SearchParams } from "@/lib/services/logs/search-params";
import { roleAtLeast } from "@/lib/services/roles";
import { formatNumber } from "@/lib/utils/format";
import { searchString } from "@/lib/utils/search-string";
import { LiveTail } from "./live-tail";
import { LogTable } from "./log-table";

const PRESETS = [
  { label: "Last hour", hours: 1 },
  { label: "24 hours", hours: 24 },
  { label: "7 days", hours: 24 * 7 },
];

const MAX_PAGE = LOG_COUNT_LIMIT / LOG_PAGE_SIZE;

/**
 * The request log list, the team's (refusals included) or one gateway's: filters in the URL, an
 * exact or "more than" count, numbered pages, export, live tail and deletion by filter.
 */
export async function LogList({
  ctx,
  teamId,
  role,
  gatewaySlug,
  base,
  search,
  emptyAction,
  deleteAction,
}: {
  ctx: ServiceContext;
  teamId: string;
  role: Role;
  /** Unset for the team-wide list. */
  gatewaySlug?: string;
  /** The list's path; the detail, export and tail are below it. */
  base: string;
  search: SearchParams;
  emptyAction: ReactNode;
  deleteAction: (search: string) => (state: FormState, form: FormData) => Promise<FormState>;
}) {
  const parsed = parseLogSearch(search);
  const pageParam = Number(Array.isArray(search.page) ? search.page[0] : search.page);
  const page = Number.isInteger(pageParam) && pageParam >= 1 ? Math.min(pageParam, MAX_PAGE) : 1;
  const scope = { ctx, teamId, gatewaySlug, query: parsed.query };
  const [facets, count, list] = await Promise.all([
    listLogFacets({ ctx, teamId, gatewaySlug }),
    countRequestLogs(scope),
    listRequestLogs({ ...scope, page }).catch((error: unknown) => {
      if (error instanceof InvalidInputError) return { logs: [], nextCursor: null };
      throw error;
    }),
  ]);
  const { values } = parsed;
  const queryString = searchString(values);
  const filtered = Object.values(values).some(Boolean);
  const pages = Math.max(1, Math.ceil(count.count / LOG_PAGE_SIZE));
  const countLabel = count.more ? `More than ${formatNumber(LOG_COUNT_LIMIT)} requests` : `${formatNumber(count.count)} ${count.count === 1 ? "request" : "requests"}`;
  const now = new Date();
  const pageHref = (n: number) => `${base}${searchString(values, { page: n > 1 ? String(n) : undefined })}`;

  return (
    <>
      <Card className="mb-4">
        <form method="get" action={base} className="space-y-3 p-4">
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 lg:items-end 2xl:grid-cols-[8rem_10rem_1fr_10rem_11.5rem_11.5rem]">
            <Field label="Status" htmlFor="f-status">
              <Select id="f-status" name="status" defaultValue={values.status}>
                <option value="">Any</option>
                <option value="success">Success</option>
                <option value="error">Error</option>
              </Select>
            </Field>
            <Field label="Provider" htmlFor="f-provider">
              <Select id="f-provider" name="provider" defaultValue={values.provider}>
                <option value="">Any</option>
                {[...new Set([...facets.providers, ...(values.provider ? [values.provider] : [])])].map((provider) => (
                  <option key={provider} value={provider}>
                    {provider}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Model" htmlFor="f-model">
              <Input id="f-model" name="model" list="f-models" placeholder="Any" defaultValue={values.model} autoComplete="off" />
              <datalist id="f-models">
                {facets.models.map((model) => (
                  <option key={model} value={model} />
                ))}
              </datalist>
            </Field>
            <Field label="Token" htmlFor="f-token">
              <Select id="f-token" name="token" defaultValue={values.token}>
                <option value="">Any</option>
                {[...new Set([...facets.tokens, ...(values.token ? [values.token] : [])])].map((token) => (
                  <option key={token} value={token}>
                    {token}
                  </option>
                ))}
              </Select>
            </Field>
            <UtcRangeFields from={values.from} to={values.to} />
          </div>
          <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
            <Field label="Search metadata" htmlFor="f-q">
              <Input id="f-q" name="q" type="search" placeholder="Text in a metadata key or value, or key=value" defaultValue={values.q} />
            </Field>
            <FilterButtons base={base} filtered={filtered} />
          </div>
          <details className="group" open={MORE_FIELDS.some(([name]) => values[name]) || undefined}>
            <summary className="cursor-pointer text-sm font-medium text-muted-foreground hover:text-foreground">More filters</summary>
            <div className="mt-3 grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
              {!gatewaySlug ? (
                <Field label="Gateway" htmlFor="f-refused">
                  <Select id="f-refused" name="refused" defaultValue={values.refused}>
                    <option value="">Any</option>
                    <option value="true">Refused (no gateway)</option>
                    <option value="false">Reached a gateway</option>
                  </Select>
                </Field>
              ) : null}
              <Field label="Cached" htmlFor="f-cached">
                <Select id="f-cached" name="cached" defaultValue={values.cached}>
                  <option value="">Any</option>
                  <option value="true">Cache hit</option>
                  <option value="false">Not cached</option>
                </Select>
              </Field>
              <Field label="Feedback" htmlFor="f-feedback">
                <Select id="f-feedback" name="feedback" defaultValue={values.feedback}>
                  <option value="">Any</option>
                  <option value="1">Thumbs up</option>
                  <option value="-1">Thumbs down</option>
                  <option value="0">None</option>
                </Select>
              </Field>
              {MORE_FIELDS.map(([name, label, type]) => (
                <Field key={name} label={label} htmlFor={`f-${name}`}>
                  <Input id={`f-${name}`} name={name} type={type} step={type === "number" ? "any" : undefined} defaultValue={values[name]} autoComplete="off" />
                </Field>
              ))}
            </div>
          </details>
        </form>
        <div className="flex flex-wrap items-center gap-1.5 border-t border-border px-4 py-2 text-xs text-muted-foreground">
          <span className="mr-1">Quick range:</span>
          {PRESETS.map((preset) => (
            <Link
              key={preset.hours}
              href={`${base}${searchString(values, { from: toUtcLocal(new Date(now.getTime() - preset.hours * 3_600_000)), to: undefined })}`}
              className="rounded-md px-2 py-1 font-medium text-foreground hover:bg-muted"
            >
              {preset.label}
            </Link>
          ))}
        </div>
      </Card>

      {parsed.problems.length > 0 ? (
        <Alert variant="warning" className="mb-4">
          {parsed.problems.join(" ")}
        </Alert>
      ) : null}

      <div className="mb-3 flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="font-medium" data-testid="log-count">
          {countLabel}
          {filtered ? <span className="font-normal text-muted-foreground"> match these filters</span> : null}
        </span>
        <div className="flex flex-wrap items-center gap-2">
          <ExportLinks base={base} filters={values} compact />
          {roleAtLeast(role, "admin") && count.count > 0 ? (
            <ConfirmAction
              trigger="Delete matching"
              triggerVariant="destructive-ghost"
              title={count.more ? `Delete more than ${formatNumber(LOG_COUNT_LIMIT)} logs?` : `Delete ${formatNumber(count.count)} ${count.count === 1 ? "log" : "logs"}?`}
              description={
                filtered
                  ? "Every log that matches the current filters goes, with its request and response bodies. This cannot be undone, and it is recorded in the audit log."
                  : "No filter is set: every log in this list goes, with its bodies. This cannot be undone, and it is recorded in the audit log."
              }
              confirmLabel="Delete logs"
              pendingLabel="Deleting…"
              action={deleteAction(queryString.slice(1))}
            />
          ) : null}
        </div>
      </div>

      <LiveTail tailUrl={`${base}/tail${queryString}`} base={base} teamWide={!gatewaySlug} />

      <Card>
        {list.logs.length === 0 ? (
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
            <EmptyState icon={ScrollText} title="No requests yet" action={emptyAction}>
              Send a request to a gateway&apos;s base URL, or try a model in the playground. Each request shows up here with its tokens, cost and timing.
            </EmptyState>
          )
        ) : (
          <LogTable logs={list.logs} base={base} teamWide={!gatewaySlug} />
        )}
      </Card>

      {pages > 1 || count.more ? (
        <nav aria-label="Pages" className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm">
          <span className="text-muted-foreground">
            Page {formatNumber(page)} of {count.more ? `more than ${formatNumber(MAX_PAGE)}` : formatNumber(pages)}
          </span>
          <div className="flex flex-wrap gap-1">
            {page > 1 ? (
              <Link href={pageHref(page - 1)} className={buttonVariants({ variant: "secondary", size: "sm" })} aria-label="Newer page">
                <ChevronLeft aria-hidden />
              </Link>
            ) : null}
            {pageNumbers(page, Math.min(pages, MAX_PAGE)).map((n, i) =>
              n === null ? (
                <span key={`gap-${i}`} className="px-1 text-muted-foreground">
                  …
                </span>
              ) : (
                <Link
                  key={n}
                  href={pageHref(n)}
                  aria-current={n === page ? "page" : undefined}
                  className={buttonVariants({ variant: n === page ? "primary" : "ghost", size: "sm" })}
                >
                  {n}
                </Link>
              ),
            )}
            {page < Math.min(pages, MAX_PAGE) ? (
              <Link href={pageHref(page + 1)} className={buttonVariants({ variant: "secondary", size: "sm" })} aria-label="Older page">
                <ChevronRight aria-hidden />
              </Link>
            ) : null}
          </div>
        </nav>
      ) : null}
    </>
  );
}

const MORE_FIELDS: [name: string, label: string, type: string][] = [
  ["status_code", "Status code", "number"],
  ["path", "Path contains", "text"],
  ["cost_min", "Cost over ($)", "number"],
  ["cost_max", "Cost under ($)", "number"],
  ["tokens_min", "Tokens over", "number"],
  ["tokens_max", "Tokens under", "number"],
  ["duration_min", "Duration over (ms)", "number"],
  ["duration_max", "Duration under (ms)", "number"],
  ["event_id", "Event ID", "text"],
  ["meta_key", "Metadata key", "text"],
  ["meta_value", "Metadata value", "text"],
];

/** 1 … 4 5 [6] 7 8 … 20: the first and last pages, and two either side of the current one. */
function pageNumbers(current: number, last: number): (number | null)[] {
  const shown = new Set([1, last, current - 2, current - 1, current, current + 1, current + 2].filter((n) => n >= 1 && n <= last));
  const sorted = [...shown].sort((a, b) => a - b);
  return sorted.flatMap((n, i) => (i > 0 && n - sorted[i - 1]! > 1 ? [null, n] : [n]));
}
