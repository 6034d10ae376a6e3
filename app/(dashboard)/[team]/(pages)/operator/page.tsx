import { Coins, KeyRound, Plus } from "lucide-react";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConfirmAction } from "@/components/confirm-action";
import { KeyStateCells } from "@/components/keys/key-cells";
import { catalogProviderOptions } from "@/components/keys/provider-options";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { providers as catalog } from "@/lib/providers";
import { isOperator } from "@/lib/services/operator/access";
import { listTeamCredits } from "@/lib/services/operator/credits";
import { listOperatorKeys } from "@/lib/services/operator/keys";
import { formatCost } from "@/lib/utils/format";
import { AddKeyForm } from "../keys/key-forms";
import { addOperatorKeyAction, grantCreditsAction, removeOperatorKeyAction } from "./actions";
import { GrantCreditsForm } from "./credit-form";

export const metadata: Metadata = { title: "Operator" };

export default async function OperatorPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx } = await requireTeam(slug);
  // Not an operator looks like no such page, as other teams' pages do.
  if (!(await isOperator(ctx))) notFound();
  const [keys, credits] = await Promise.all([listOperatorKeys({ ctx }), listTeamCredits({ ctx })]);
  const now = new Date();

  // Catalog providers only: a custom provider is one team's.
  const providerOptions = catalogProviderOptions();
  const providerName = (provider: string) => catalog.get(provider)?.name ?? provider;

  const add = (
    <Dialog>
      <DialogTrigger>
        <Plus aria-hidden />
        Add operator key
      </DialogTrigger>
      <DialogContent
        title="Add an operator key"
        description="Every team may use it for requests with a gateway token and no key of the team's own, charged to the team's credits."
        className="max-w-xl"
      >
        <AddKeyForm action={addOperatorKeyAction.bind(null, slug)} providers={providerOptions} />
      </DialogContent>
    </Dialog>
  );

  return (
    <>
      <PageHeader
        title="Operator"
        description="The deployment's own provider keys and the credits that pay for them. A team's request uses an operator key only when it carries a gateway token, the team has no key of its own for the provider, the gateway does not require provider credentials, and the request does not send cf-aig-no-wholesale: true. What it costs comes off the team's credits; a team out of credits is refused with 402."
        actions={keys.length > 0 ? add : null}
      />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Operator keys</CardTitle>
            <CardDescription>Pooled by provider and alias like a team&apos;s keys; encrypted at rest.</CardDescription>
          </CardHeader>
          {keys.length === 0 ? (
            <EmptyState icon={KeyRound} title="No operator keys yet" action={add}>
              Teams use their own keys only. Add a key here to serve teams without keys of their own, against the credits you grant them.
            </EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Provider</TableHead>
                  <TableHead>Alias</TableHead>
                  <TableHead>Secret</TableHead>
                  <TableHead>Weight</TableHead>
                  <TableHead>Base URL</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead>Last status</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.map((key) => (
                  <TableRow key={key.id}>
                    <TableCell className="font-medium whitespace-nowrap">{providerName(key.provider)}</TableCell>
                    <TableCell>
                      <code className="font-mono text-[13px]">{key.alias}</code>
                    </TableCell>
                    <KeyStateCells
                      providerKey={key}
                      now={now}
                      rejectedHint="The provider answered 401 or 403. Requests skip it until it is rotated (switchyard operator key rotate)."
                    />
                    <TableCell className="text-right">
                      <ConfirmAction
                        trigger="Remove"
                        triggerLabel={`Remove the operator's ${key.provider} key ${key.alias} ${key.preview}`.trimEnd()}
                        title={`Remove the operator's ${providerName(key.provider)} key “${key.alias}”?`}
                        description="Teams without a key of their own for this provider can no longer call it through this key."
                        confirmLabel="Remove key"
                        pendingLabel="Removing…"
                        action={removeOperatorKeyAction.bind(null, slug, key.id)}
                      />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Team credits</CardTitle>
            <CardDescription>
              What each team may spend on operator keys. Used is settled spend; reserved is held by requests still running, at their worst case, until they finish.
            </CardDescription>
          </CardHeader>
          {credits.length === 0 ? (
            <EmptyState icon={Coins} title="No teams yet">
              Teams appear here once created.
            </EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Team</TableHead>
                  <TableHead className="text-right">Granted</TableHead>
                  <TableHead className="text-right">Used</TableHead>
                  <TableHead className="text-right">Reserved</TableHead>
                  <TableHead className="text-right">Balance</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {credits.map((team) => (
                  <TableRow key={team.teamId}>
                    <TableCell className="font-mono text-[13px]">{team.teamSlug}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCost(team.grantedMicros)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCost(team.usedMicros)}</TableCell>
                    <TableCell className="text-right tabular-nums text-muted-foreground">{formatCost(team.reservedMicros)}</TableCell>
                    <TableCell className={`text-right tabular-nums ${team.balanceMicros <= 0 ? "text-destructive" : ""}`}>{formatCost(team.balanceMicros)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {credits.length > 0 ? (
            <CardContent className="border-t border-border pt-4">
              <GrantCreditsForm action={grantCreditsAction.bind(null, slug)} teams={credits.map((team) => ({ id: team.teamId, slug: team.teamSlug }))} />
            </CardContent>
          ) : null}
        </Card>
      </div>
    </>
  );
}
