import { KeySquare, Plus } from "lucide-react";
import type { Metadata } from "next";
import { RevokeToken, TokenLifeCells, TokenLifeHeads, TokenPreview } from "@/components/tokens/token-list-parts";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { roles } from "@/db/schema";
import { requireTeam } from "@/lib/auth/team";
import { listApiTokens } from "@/lib/services/api-tokens/list";
import { roleAtLeast } from "@/lib/services/roles";
import { createApiTokenAction, revokeApiTokenAction } from "./actions";
import { CreateApiTokenForm } from "./create-api-token-form";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role } = await requireTeam(slug);
  const canManage = roleAtLeast(role, "admin");
  const tokens = canManage ? await listApiTokens({ ctx, teamId: team.id }) : [];
  const now = new Date();

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens for the management API (/client/v4/accounts/…/ai-gateway/…), sent as Authorization: Bearer. Each has scopes and a role it never acts above, nor above its creator's current role."
        // Always here, never moved into the empty state: the dialog showing the new secret must not unmount.
        actions={
          canManage ? (
            <Dialog>
              <DialogTrigger>
                <Plus aria-hidden />
                Create API token
              </DialogTrigger>
              <DialogContent title="Create an API token" description="Scripts and the CLI use it to manage the team's gateways.">
                <CreateApiTokenForm action={createApiTokenAction.bind(null, team.slug)} roles={roles.filter((r) => roleAtLeast(role, r))} />
              </DialogContent>
            </Dialog>
          ) : null
        }
      />
      <Card>
        {!canManage ? (
          <EmptyState icon={KeySquare} title="Admins manage API tokens">
            An admin or owner of the team can create API tokens.
          </EmptyState>
        ) : tokens.length === 0 ? (
          <EmptyState icon={KeySquare} title="No API tokens yet">
            Create one for each script or pipeline that manages the team&apos;s gateways. The API is described at /client/v4/openapi.json.
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Token</TableHead>
                <TableHead>Scopes</TableHead>
                <TableHead>Role</TableHead>
                <TokenLifeHeads />
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.map((token) => (
                <TableRow key={token.id} className={token.revokedAt ? "text-muted-foreground" : undefined}>
                  <TableCell className="font-medium">{token.name}</TableCell>
                  <TableCell>
                    <TokenPreview token={token} />
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      {token.scopes.map((scope) => (
                        <Badge key={scope}>{scope}</Badge>
                      ))}
                    </div>
                  </TableCell>
                  <TableCell className="capitalize">{token.role}</TableCell>
                  <TokenLifeCells token={token} createdBy={token.createdBy ?? "CLI"} now={now} />
                  <TableCell className="text-right">
                    <RevokeToken
                      token={token}
                      kind="API token"
                      consequence="Calls with this token are refused from now on."
                      action={revokeApiTokenAction.bind(null, team.slug, token.id)}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
