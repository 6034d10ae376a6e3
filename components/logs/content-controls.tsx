import Link from "next/link";
import { guardrailCategoryLabel } from "@/components/gateways/content-control-names";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { DlpOutcome } from "@/lib/dlp/types";
import type { GuardrailOutcome } from "@/lib/guardrails/types";
import type { RouteTrace } from "@/lib/routes/types";
import type { LogLink } from "@/lib/services/logs/get";
import { formatNumber } from "@/lib/utils/format";

const actionVariant = { NONE: "neutral", FLAG: "warning", BLOCK: "danger", REDACT: "accent" } as const;

function ActionBadge({ action }: { action: keyof typeof actionVariant }) {
  return <Badge variant={actionVariant[action]}>{action === "NONE" ? "None" : action}</Badge>;
}

function logHref(teamSlug: string, link: LogLink): string {
  return `/${teamSlug}/gateways/${link.gatewaySlug}/logs/${link.id}`;
}

/** The dynamic route the request went through: each element passed, the output it took and why. */
export function RouteCard({ route, routesHref }: { route: RouteTrace; routesHref: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Dynamic route</CardTitle>
        <CardDescription>
          <Link href={routesHref} className="font-mono text-foreground underline-offset-4 hover:underline">
            {route.name}
          </Link>{" "}
          version {route.version}: the path this request took, element by element.
        </CardDescription>
      </CardHeader>
      <ol aria-label={`Path through the route ${route.name}`} className="divide-y divide-border border-t border-border">
        {route.path.map((step, index) => (
          <li key={`${step.elementId}-${index}`} className="grid grid-cols-[2rem_1fr] gap-x-3 px-5 py-2.5 text-sm sm:grid-cols-[2rem_minmax(10rem,auto)_8rem_1fr]">
            <span className="text-muted-foreground tabular-nums">{index + 1}.</span>
            <span className="min-w-0">
              <code className="font-mono text-[13px]">{step.elementId}</code> <Badge>{step.type}</Badge>
            </span>
            <span className="col-start-2 sm:col-start-auto">
              {step.output ? (
                <>
                  <span className="text-muted-foreground">→ </span>
                  <code className="font-mono text-[13px]">{step.output}</code>
                </>
              ) : (
                <span className="text-muted-foreground">end</span>
              )}
            </span>
            <span className="col-start-2 text-muted-foreground sm:col-start-auto">{step.detail ?? ""}</span>
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** Each evaluation of the prompt and the response, with a link to the evaluator call's own log row. */
export function GuardrailsCard({ outcomes, evaluations, teamSlug }: { outcomes: GuardrailOutcome[]; evaluations: Record<string, LogLink>; teamSlug: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Guardrails</CardTitle>
        <CardDescription>Each evaluation of this request&apos;s prompt and response, and what the gateway&apos;s rules made of it.</CardDescription>
      </CardHeader>
      <Table aria-label="Guardrail evaluations">
        <TableHeader>
          <TableRow>
            <TableHead>Check</TableHead>
            <TableHead>Categories found</TableHead>
            <TableHead>Action</TableHead>
            <TableHead>Evaluation</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {outcomes.map((outcome, index) => {
            const evaluation = outcome.evaluationLogId ? evaluations[outcome.evaluationLogId] : undefined;
            return (
              <TableRow key={index}>
                <TableCell className="capitalize">
                  {outcome.check}
                  {outcome.throughChar !== undefined ? (
                    <span className="block text-xs text-muted-foreground normal-case">through character {formatNumber(outcome.throughChar)}</span>
                  ) : null}
                </TableCell>
                <TableCell>
                  {outcome.categories.length > 0 ? (
                    <ul className="space-y-0.5">
                      {outcome.categories.map((category) => (
                        <li key={category}>{guardrailCategoryLabel(category)}</li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-muted-foreground">None</span>
                  )}
                  {outcome.error ? <span className="block text-xs text-destructive">Evaluator failed: {outcome.error}</span> : null}
                </TableCell>
                <TableCell>
                  <ActionBadge action={outcome.action} />
                </TableCell>
                <TableCell>
                  {evaluation ? (
                    <Link href={logHref(teamSlug, evaluation)} className="text-primary underline-offset-4 hover:underline">
                      Evaluator call
                    </Link>
                  ) : outcome.evaluationLogId ? (
                    <span className="text-muted-foreground" title={outcome.evaluationLogId}>
                      Not stored
                    </span>
                  ) : (
                    <span className="text-muted-foreground">–</span>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Card>
  );
}

/** What DLP found: detectors and counts, never the matched text (the log never holds it). */
export function DlpCard({ outcome }: { outcome: DlpOutcome }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          Data loss prevention <ActionBadge action={outcome.action} />
        </CardTitle>
        <CardDescription>What the gateway&apos;s DLP policies found in this request and its response. The matched text itself is never stored.</CardDescription>
      </CardHeader>
      <Table aria-label="DLP findings">
        <TableHeader>
          <TableRow>
            <TableHead>Check</TableHead>
            <TableHead>Policy</TableHead>
            <TableHead>Profile</TableHead>
            <TableHead>Entry</TableHead>
            <TableHead>Action</TableHead>
            <TableHead className="text-right">Matches</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {outcome.findings.map((finding, index) => (
            <TableRow key={index}>
              <TableCell>{finding.check === "REQUEST" ? "Request" : "Response"}</TableCell>
              <TableCell className="font-mono text-[13px]">{finding.policyId}</TableCell>
              <TableCell className="font-mono text-[13px]">{finding.profileId}</TableCell>
              <TableCell className="font-mono text-[13px]">{finding.entryId}</TableCell>
              <TableCell>
                <ActionBadge action={finding.action} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatNumber(finding.count)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}

/** On a guardrail evaluator's row: the request it judged. */
export function ParentRequestLink({ parent, parentRequestId, teamSlug }: { parent: LogLink | null; parentRequestId: string; teamSlug: string }) {
  return parent ? (
    <Link href={logHref(teamSlug, parent)} className="text-primary underline-offset-4 hover:underline">
      The request this evaluation judged
    </Link>
  ) : (
    <span className="text-muted-foreground">
      Request <code className="font-mono text-xs">{parentRequestId}</code> (its log is not stored)
    </span>
  );
}
