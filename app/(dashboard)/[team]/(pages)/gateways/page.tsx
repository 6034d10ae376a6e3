import { Network, Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { listGateways } from "@/lib/services/gateways/list";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { roleAtLeast } from "@/lib/services/roles";
import { formatDate, formatNumber } from "@/lib/utils/format";
import { createGatewayAction } from "./actions";
import { CreateGatewayForm } from "./create-gateway-form";

export const metadata: Metadata = { title: "Gateways" };

export default async function GatewaysPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role } = await requireTeam(slug);
  const [gateways, keys] = await Promise.all([listGateways({ ctx, teamId: team.id }), listProviderKeys({ ctx, teamId: team.id })]);
  const canCreate = roleAtLeast(role, "admin");
  const teamWideKeys = keys.filter((key) => key.gatewaySlug === null).length;

  const create = canCreate ? (
    <Dialog>
      <DialogTrigger>
        <Plus aria-hidden />
        Create gateway
      </DialogTrigger>
      <DialogContent title="Create a gateway" description="A gateway is one base URL with its own settings and logs.">
        <CreateGatewayForm action={createGatewayAction.bind(null, team.slug)} />
      </DialogContent>
    </Dialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Gateways"
        description="Each gateway has its own base URL, settings and request logs. Point an app at a gateway and Switchyard forwards its requests with the team's provider keys."
        actions={gateways.length > 0 ? create : null}
      />
      {gateways.length === 0 ? (
        <Card>
          <EmptyState icon={Network} title="No gateways yet" action={create}>
            {canCreate
              ? "Create a gateway to get a base URL your applications can call. You can have one per app or environment."
              : "An admin or owner of the team can create one. Gateways give your applications a base URL to call."}
          </EmptyState>
        </Card>
      ) : (
        <Card>
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Gateway</TableHead>
                <TableHead>Authentication</TableHead>
                <TableHead>Logs</TableHead>
                <TableHead className="text-right">Own keys</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>
                  <span className="sr-only">Links</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {gateways.map((gateway) => {
                const ownKeys = keys.filter((key) => key.gatewaySlug === gateway.slug).length;
                return (
                  <TableRow key={gateway.id}>
                    <TableCell>
                      <Link
                        href={`/${team.slug}/gateways/${gateway.slug}`}
                        className="font-mono text-[13px] font-medium text-foreground underline-offset-4 hover:underline"
                      >
                        {gateway.slug}
                      </Link>
                      {gateway.isDefault ? (
                        <Badge className="ml-2" variant="neutral">
                          default
                        </Badge>
                      ) : null}
                    </TableCell>
                    <TableCell>
                      {gateway.authentication ? <Badge variant="success">Token required</Badge> : <Badge variant="warning">Open</Badge>}
                    </TableCell>
                    <TableCell className="text-muted-foreground">
                      {!gateway.collectLogs ? "Off" : gateway.collectLogPayloads ? "With payloads" : "Metadata only"}
                    </TableCell>
                    <TableCell className="text-right tabular-nums" title={`${teamWideKeys} team-wide keys also apply`}>
                      {formatNumber(ownKeys)}
                    </TableCell>
                    <TableCell className="text-muted-foreground">{formatDate(gateway.createdAt)}</TableCell>
                    <TableCell className="text-right whitespace-nowrap">
                      <Link
                        href={`/${team.slug}/gateways/${gateway.slug}/logs`}
                        className="text-sm text-primary underline-offset-4 hover:underline"
                      >
                        Logs
                      </Link>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}
