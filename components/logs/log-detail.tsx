import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs } from "@/components/ui/tabs";
import type { Team } from "@/db/schema";
import type { FormState } from "@/lib/forms/form-state";
import type { ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/services/errors";
import { wireFormatName } from "@/lib/services/logs/formats";
import { getRequestLog, type RequestAttempt, type UsedKey } from "@/lib/services/logs/get";
import { formatBytes, formatCost, formatDateTime, formatDuration, formatIsoUtc, formatNumber } from "@/lib/utils/format";
import { AttemptBadges, CacheHitBadge, MetadataChips, StatusBadge } from "./log-parts";
import { DlpCard, GuardrailsCard, ParentRequestLink, RouteCard } from "./content-controls";
import { FeedbackCard } from "./feedback-card";
import { formatBody, splitHeaders } from "./headers";

/**
 * One log row, reached from a gateway's list (`gatewaySlug`) or the team's (any row of the team,
 * refusals before a gateway was found included). A bad id is notFound().
 */
export async function LogDetail({
  ctx,
  team,
  gatewaySlug,
  logId,
  canGiveFeedback,
  feedbackAction,
}: {
  ctx: ServiceContext;
  team: Team;
  gatewaySlug?: string;
  logId: string;
  canGiveFeedback: boolean;
  feedbackAction: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  const detail = await getRequestLog({ ctx, teamId: team.id, gatewaySlug, logId }).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { log, payload, reassembled, translation, key, attempts, parent, evaluations, tokenName } = detail;
  const gatewayBase = detail.gatewaySlug ? `/${team.slug}/gateways/${detail.gatewaySlug}` : null;
  const logsBase = gatewaySlug ? `/${team.slug}/gateways/${gatewaySlug}/logs` : `/${team.slug}/logs`;

  const facts: [string, ReactNode][] = [
    ["Time (UTC)", <span key="t" title={formatIsoUtc(log.createdAt)}>{formatDateTime(log.createdAt)}</span>],
    ["Status", <StatusBadge key="s" log={log} />],
    ["Client format", log.ingressFormat ? wireFormatName(log.ingressFormat) : "–"],
    ...(translation ? [["Sent to provider as", translation.providerFormat ?? "–"] satisfies [string, ReactNode]] : []),
    ["Provider", log.provider ?? "–"],
    ["Model", log.model ? <code className="font-mono text-[13px]">{log.model}</code> : "–"],
    ["Tokens in", formatNumber(log.tokensIn)],
    ["Tokens out", formatNumber(log.tokensOut)],
    ["Cached tokens", formatNumber(log.tokensCached)],
    ["Cost", <>{formatCost(log.costMicros)}{log.customCost ? <span className="text-muted-foreground"> (custom, sent by the client)</span> : null}</>],
    ["Duration", formatDuration(log.durationMs)],
    ["Time to first byte", formatDuration(log.ttfbMs)],
    ["Request size", formatBytes(log.requestBytes)],
    ["Response size", formatBytes(log.responseBytes)],
    ["Streamed", log.stream ? "Yes" : "No"],
    ["Served from cache", log.cached ? <CacheHitBadge key="c" /> : "No"],
    ["Step · attempt", `step ${log.step} · attempt ${log.attempt}${attempts.length > 1 ? ` (of ${attempts.length} rows for this request)` : ""}`],
    ["Key source", <KeySourceLabel key="ks" source={log.keySource} />],
    ["Provider key", <UsedKeyLabel key="k" usedKey={key} source={log.keySource} />],
  ];
  const identifiers: [string, ReactNode][] = [
    ["Log ID", <IdValue key="l" value={log.id} />],
    ...(log.requestId ? [["Request ID", <IdValue key="r" value={log.requestId} />] satisfies [string, ReactNode]] : []),
    ["Event ID", <IdValue key="e" value={log.eventId} />],
    ...(log.parentRequestId
      ? [["Guardrail evaluation of", <ParentRequestLink key="pr" parent={parent} parentRequestId={log.parentRequestId} teamSlug={team.slug} />] satisfies [string, ReactNode]]
      : []),
    ["Gateway", detail.gatewaySlug && gatewayBase ? <Link key="g" href={gatewayBase} className="font-mono hover:underline">{detail.gatewaySlug}</Link> : "None: refused before a gateway was found"],
    ["Gateway token", tokenName ?? (log.tokenId ? <span key="tk" className="text-muted-foreground">a deleted token</span> : "None")],
    ["Path", <code key="p" className="font-mono text-[13px] break-all">{log.method} {log.path}</code>],
    ["User agent", log.userAgent ? <span className="break-all">{log.userAgent}</span> : "–"],
    ["Metadata", <MetadataChips key="m" values={log.metadata} />],
  ];

  return (
    <>
      <PageHeader
        breadcrumb={
          gatewaySlug ? (
            <>
              <Link href={`/${team.slug}/gateways`} className="hover:text-foreground hover:underline">
                Gateways
              </Link>
              <ChevronRight aria-hidden className="mx-1 inline size-3.5 align-[-2px]" />
              <Link href={`/${team.slug}/gateways/${gatewaySlug}`} className="font-mono hover:text-foreground hover:underline">
                {gatewaySlug}
              </Link>
              <ChevronRight aria-hidden className="mx-1 inline size-3.5 align-[-2px]" />
              <Link href={logsBase} className="hover:text-foreground hover:underline">
                Logs
              </Link>
            </>
          ) : (
            <Link href={logsBase} className="hover:text-foreground hover:underline">
              Logs
            </Link>
          )
        }
        title={
          <span className="flex items-center gap-2">
            <span className="font-mono text-lg">
              {log.method} {log.path}
            </span>
            <StatusBadge log={log} />
            <AttemptBadges log={log} />
          </span>
        }
      />

      <div className="space-y-6">
        {log.errorMessage ? (
          <Alert variant={log.statusCode >= 500 ? "error" : "warning"} title={log.errorCode ? `Gateway error ${log.errorCode}` : "The request failed"}>
            {log.errorMessage}
          </Alert>
        ) : null}

        {log.route && gatewayBase ? <RouteCard route={log.route} routesHref={`${gatewayBase}/routes/${encodeURIComponent(log.route.name)}`} /> : null}
        {log.guardrails && log.guardrails.length > 0 ? <GuardrailsCard outcomes={log.guardrails} evaluations={evaluations} teamSlug={team.slug} /> : null}
        {log.dlp && log.dlp.findings.length > 0 ? <DlpCard outcome={log.dlp} /> : null}

        {attempts.length > 1 ? <AttemptsCard attempts={attempts} current={log.id} logsBase={logsBase} /> : null}

        <FeedbackCard feedback={log.feedback} score={log.score} canGiveFeedback={canGiveFeedback} action={feedbackAction} />

        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Summary</CardTitle>
            </CardHeader>
            <CardContent>
              <Facts rows={facts} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Identifiers</CardTitle>
            </CardHeader>
            <CardContent>
              <Facts rows={identifiers} />
            </CardContent>
          </Card>
        </div>

        {payload ? (
          <>
            <PayloadCard
              title="Request"
              headers={payload.requestHeaders}
              description={translation ? "The gateway translated this request: what the client sent, beside what went to the provider." : undefined}
              body={
                translation ? (
                  <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
                    {payload.requestBody ? (
                      <BodyBlock title={`As the client sent it${translation.clientFormat ? ` · ${translation.clientFormat}` : ""}`} text={payload.requestBody} />
                    ) : (
                      <NoBody />
                    )}
                    <BodyBlock
                      title={`As sent to ${log.provider ?? "the provider"}${translation.providerFormat ? ` · ${translation.providerFormat}` : ""}`}
                      text={translation.providerRequestBody}
                    />
                  </div>
                ) : payload.requestBinaryType ? (
                  <BinaryBody bytes={log.requestBytes} type={payload.requestBinaryType} />
                ) : payload.requestBody ? (
                  <BodyBlock title="Request body" text={payload.requestBody} />
                ) : (
                  <NoBody />
                )
              }
            />
            <PayloadCard
              title="Response"
              headers={payload.responseHeaders}
              body={
                payload.responseBinaryType ? (
                  <BinaryBody bytes={log.responseBytes} type={payload.responseBinaryType} />
                ) : !payload.responseBody ? (
                  <NoBody />
                ) : reassembled ? (
                  <Tabs
                    label="Response view"
                    items={[
                      {
                        id: "reassembled",
                        label: "Reassembled",
                        content: (
                          <div className="space-y-3">
                            {reassembled.choices.map((choice) => (
                              <div key={choice.index} className="rounded-lg border border-border p-3">
                                <p className="mb-1.5 text-xs text-muted-foreground">
                                  {reassembled.choices.length > 1 ? `Choice ${choice.index} · ` : ""}
                                  {choice.message.role} · finish reason: {choice.finish_reason ?? "none (cut off)"}
                                </p>
                                <p className="text-sm whitespace-pre-wrap">{choice.message.content ?? <em className="text-muted-foreground">No text</em>}</p>
                              </div>
                            ))}
                            <CodeBlock title="As a non-streamed response" code={JSON.stringify(reassembled, null, 2)} maxHeight="max-h-[28rem]" />
                          </div>
                        ),
                      },
                      {
                        id: "raw",
                        label: "Raw stream",
                        content: <CodeBlock title="Server-sent events" code={payload.responseBody} maxHeight="max-h-[28rem]" />,
                      },
                    ]}
                  />
                ) : (
                  <BodyBlock title="Response body" text={payload.responseBody} />
                )
              }
            />
          </>
        ) : (
          <Alert title="No payload stored">
            Bodies and headers were not collected for this request: the gateway&apos;s &ldquo;Collect request and response
            bodies&rdquo; setting was off, or the request sent <code className="font-mono text-xs">cf-aig-collect-log-payload: false</code>.
          </Alert>
        )}
      </div>
    </>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-muted-foreground">{label}</dt>
          <dd className="min-w-0 tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function IdValue({ value }: { value: string }) {
  return (
    <span className="inline-flex max-w-full items-center gap-1">
      <code className="truncate font-mono text-[13px]">{value}</code>
      <CopyButton value={value} label="Copy" className="size-6" />
    </span>
  );
}

function BodyBlock({ title, text }: { title: string; text: string }) {
  const body = formatBody(text);
  return <CodeBlock title={body.json ? `${title} (JSON)` : title} code={body.text} maxHeight="max-h-[28rem]" />;
}

/** A body that is not text is stored as metadata only: the gateway never decodes audio or images into garbage. */
function BinaryBody({ bytes, type }: { bytes: number | null; type: string }) {
  return (
    <p className="text-sm text-muted-foreground">
      Binary, {bytes === null ? "size unknown" : formatBytes(bytes)}, <code className="font-mono text-xs">{type}</code>: stored as metadata only.
    </p>
  );
}

function NoBody() {
  return <p className="text-sm text-muted-foreground">No body.</p>;
}

function PayloadCard({ title, description, headers, body }: { title: string; description?: string; headers: Record<string, string> | null; body: ReactNode }) {
  const { important, rest } = splitHeaders(headers);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description ? `${description} ` : ""}Credentials in headers are stored redacted.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {important.length + rest.length > 0 ? (
          <div>
            <HeaderList entries={important} />
            {rest.length > 0 ? (
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer rounded text-muted-foreground hover:text-foreground">
                  All headers ({important.length + rest.length})
                </summary>
                <div className="mt-2">
                  <HeaderList entries={rest} />
                </div>
              </details>
            ) : null}
          </div>
        ) : null}
        {body}
      </CardContent>
    </Card>
  );
}

function HeaderList({ entries }: { entries: [string, string][] }) {
  if (entries.length === 0) return null;
  return (
    <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-1 font-mono text-[12.5px]">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-muted-foreground">{name}</dt>
          <dd className="min-w-0 break-all">{value === "[redacted]" ? <Badge>redacted</Badge> : value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Whose key called the provider (`cf-aig-key-source`); rows from before it was recorded have none. */
function KeySourceLabel({ source }: { source: string | null }) {
  if (source === "team") return <>The team&apos;s stored key</>;
  if (source === "operator") return <>The operator&apos;s key, charged to the team&apos;s credits</>;
  if (source === "request") return <>The client&apos;s own key, sent with the request</>;
  return <span className="text-muted-foreground">–</span>;
}

/**
 * A stored key by alias and preview (never its secret); the client's own key when there is none.
 * An operator key is the deployment's, not the team's: named as such, never previewed.
 */
function UsedKeyLabel({ usedKey, source }: { usedKey: UsedKey | null; source: string | null }) {
  if (source === "operator") return <span title={usedKey?.id}>The operator&apos;s key</span>;
  if (!usedKey) return <span className="text-muted-foreground">The client&apos;s own, or none</span>;
  if (usedKey.alias === null) {
    return (
      <span className="text-muted-foreground">
        Deleted key <code className="font-mono text-xs">{usedKey.id}</code>
      </span>
    );
  }
  return (
    <span title={usedKey.id}>
      <code className="font-mono text-[13px]">{usedKey.alias}</code>
      <span className="text-muted-foreground"> · </span>
      {usedKey.preview ? <code className="font-mono text-[13px]">{usedKey.preview}</code> : <span className="text-muted-foreground">no preview</span>}
    </span>
  );
}

/** Every row of the client's request: retries of a step, then the Universal endpoint's next steps. */
function AttemptsCard({ attempts, current, logsBase }: { attempts: RequestAttempt[]; current: string; logsBase: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Attempts</CardTitle>
        <CardDescription>
          This request took {attempts.length} calls: each retry and each fallback step is logged as its own row, with its own cost.
        </CardDescription>
      </CardHeader>
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead>Step</TableHead>
            <TableHead>Attempt</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Provider · model</TableHead>
            <TableHead>Provider key</TableHead>
            <TableHead>Error</TableHead>
            <TableHead className="text-right">Duration</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {attempts.map((attempt) => (
            <TableRow key={attempt.id} aria-current={attempt.id === current ? "true" : undefined} className={attempt.id === current ? "bg-muted/50" : undefined}>
              <TableCell className="tabular-nums">{attempt.step}</TableCell>
              <TableCell className="tabular-nums">
                {attempt.id === current ? (
                  <span className="font-medium">
                    {attempt.attempt} <span className="text-xs font-normal text-muted-foreground">(this row)</span>
                  </span>
                ) : (
                  <Link
                    href={`${logsBase}/${attempt.id}`}
                    aria-label={`Step ${attempt.step}, attempt ${attempt.attempt}: open its log`}
                    className="font-medium underline-offset-4 hover:text-primary hover:underline">
                    {attempt.attempt}
                  </Link>
                )}
              </TableCell>
              <TableCell>
                <span className="inline-flex items-center gap-1">
                  <StatusBadge log={attempt} />
                  {attempt.cached ? <CacheHitBadge /> : null}
                </span>
              </TableCell>
              <TableCell className="text-muted-foreground">
                {attempt.provider ?? "–"}
                {attempt.model ? <code className="block font-mono text-xs">{attempt.model}</code> : null}
              </TableCell>
              <TableCell>
                <UsedKeyLabel usedKey={attempt.key} source={attempt.keySource} />
              </TableCell>
              <TableCell className="max-w-72 text-xs break-words text-muted-foreground">{attempt.errorMessage ?? "–"}</TableCell>
              <TableCell className="text-right whitespace-nowrap tabular-nums">{formatDuration(attempt.durationMs)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
