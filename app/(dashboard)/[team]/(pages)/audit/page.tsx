import { ChevronRight, History } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { ExportLinks, FilterButtons, UtcRangeFields } from "@/components/list-filters";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { AUDIT_VIAS, listAuditEvents, type AuditPage } from "@/lib/services/audit/list";
import { InvalidInputError } from "@/lib/services/errors";
import { roleAtLeast } from "@/lib/services/roles";
import { formatDateTime, formatIsoUtc } from "@/lib/utils/format";
import { searchString } from "@/lib/utils/search-string";
import { AuditDetails } from "./audit-details";

export const metadata: Metadata = { title: "Audit log" };

const FILTERS = ["actor", "action", "target", "via", "from", "to"] as const;
type Filter = Partial<Record<(typeof FILTERS)[number], string>>;
type SearchParams = Record<string, string | string[] | undefined>;

const VIA_LABEL = { dashboard: "Dashboard", api: "API", cli: "CLI" } as const;

export default async function AuditPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<SearchParams> }) {
  const [{ team: slug }, search] = await Promise.all([params, searchParams]);
  const { ctx, team, role } = await requireTeam(slug);
  const base = `/${team.slug}/audit`;
  const one = (name: string) => (typeof search[name] === "string" ? (search[name] as string) : undefined);
  const filter: Filter = Object.fromEntries(FILTERS.map((name) => [name, one(name)]));
  const before = one("before");
  const filtered = FILTERS.some((name) => filter[name]);

  if (!roleAtLeast(role, "admin")) {
    return (
      <>
        <PageHeader title="Audit log" />
        <Card>
          <EmptyState icon={History} title="The audit log is for admins and owners">
            It names every member&apos;s changes and where they were made from. Ask an admin of the team if you need it.
          </EmptyState>
        </Card>
      </>
    );
  }

  const { page, problem }: { page: AuditPage; problem?: string } = await listAuditEvents({ ctx, teamId: team.id, filter, before })
    .then((page) => ({ page }))
    .catch(async (error: unknown) => {
      // A mistyped filter or a stale page link: say so, and show the newest events rather than an error page.
      if (!(error instanceof InvalidInputError)) throw error;
      return { page: await listAuditEvents({ ctx, teamId: team.id }), problem: `${error.message}. Showing the newest events without filters.` };
    });

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made to the team through the dashboard, the API or the CLI: who, what, when and from where. Newest first; times are UTC. Secrets are never recorded."
        actions={
          <div className="flex gap-2">
            <ExportLinks base={base} filters={filter} />
          </div>
        }
      />

      <Card className="mb-4">
        <form method="get" action={base} className="grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4 lg:items-end">
          <Field label="Who" htmlFor="f-actor">
            <Input id="f-actor" name="actor" placeholder="Email, token or CLI" defaultValue={filter.actor} />
          </Field>
          <Field label="Action or entity" htmlFor="f-action">
            <Input id="f-action" name="action" placeholder="provider_key.create" defaultValue={filter.action} />
          </Field>
          <Field label="Target" htmlFor="f-target">
            <Input id="f-target" name="target" placeholder="Name or id" defaultValue={filter.target} />
          </Field>
          <Field label="Via" htmlFor="f-via">
            <Select id="f-via" name="via" defaultValue={filter.via}>
              <option value="">Any</option>
              {AUDIT_VIAS.map((via) => (
                <option key={via} value={via}>
                  {VIA_LABEL[via]}
                </option>
              ))}
            </Select>
          </Field>
          <UtcRangeFields from={filter.from} to={filter.to} />
          <FilterButtons base={base} filtered={filtered} />
        </form>
      </Card>

      {problem ? (
        <Alert variant="warning" className="mb-4">
          {problem}
        </Alert>
      ) : null}

      <Card>
        {page.events.length === 0 ? (
          <EmptyState icon={History} title={filtered ? "No changes match these filters" : "No changes recorded yet"}>
            {filtered ? "Widen the time range or clear a filter." : "Changes to gateways, keys, tokens, members and settings show up here as they are made."}
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Time (UTC)</TableHead>
                <TableHead>Who · from</TableHead>
                <TableHead>Action</TableHead>
                <TableHead>Target</TableHead>
                <TableHead>Details</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {page.events.map((event) => (
                <TableRow key={event.id} className="align-top text-[13px]">
                  <TableCell className="whitespace-nowrap tabular-nums" title={formatIsoUtc(event.createdAt)}>
                    {formatDateTime(event.createdAt)}
                  </TableCell>
                  <TableCell className="max-w-56">
                    <span className="block truncate" title={event.actorLabel}>
                      {event.actorLabel}
                    </span>
                    <span className="flex items-center gap-1.5 pt-1 text-xs text-muted-foreground">
                      <Badge>{VIA_LABEL[event.via]}</Badge>
                      {event.ip ? (
                        <span className="truncate font-mono" title={event.userAgent ?? undefined}>
                          {event.ip}
                        </span>
                      ) : null}
                    </span>
                  </TableCell>
                  <TableCell>
                    <code className="font-mono text-xs">{event.action}</code>
                  </TableCell>
                  <TableCell className="max-w-56">
                    <span className="block truncate" title={event.targetLabel ?? undefined}>
                      {event.targetLabel ?? "–"}
                    </span>
                    {event.targetId ? <span className="block truncate font-mono text-xs text-muted-foreground">{event.targetId}</span> : null}
                  </TableCell>
                  <TableCell className="max-w-sm">
                    <AuditDetails details={event.details} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>

      {before || page.next ? (
        <nav aria-label="Pages" className="mt-4 flex justify-end gap-2 text-sm">
          {before ? (
            <Link href={`${base}${searchString(filter)}`} className={buttonVariants({ variant: "secondary", size: "sm" })}>
              Newest
            </Link>
          ) : null}
          {page.next ? (
            <Link href={`${base}${searchString(filter, { before: page.next })}`} className={buttonVariants({ variant: "secondary", size: "sm" })}>
              Older
              <ChevronRight aria-hidden />
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
