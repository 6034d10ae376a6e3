import { Plus, Ticket } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { RevokeToken, TokenLifeCells, TokenLifeHeads, TokenPreview } from "@/components/tokens/token-list-parts";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { listGateways } from "@/lib/services/gateways/list";
import { roleAtLeast } from "@/lib/services/roles";
import { listTokenCreators } from "@/lib/services/tokens/creators";
import { listGatewayTokens } from "@/lib/services/tokens/list";
import { createTokenAction, revokeTokenAction } from "./actions";
import { CreateTokenForm } from "./create-token-form";

export const metadata: Metadata = { title: "Tokens" };

export default async function TokensPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role } = await requireTeam(slug);
  const [tokens, gateways, creators] = await Promise.all([
    listGatewayTokens({ ctx, teamId: team.id }),
    listGateways({ ctx, teamId: team.id }),
    listTokenCreators({ ctx, teamId: team.id }),
  ]);
  const canManage = roleAtLeast(role, "admin");
  const now = new Date();

  const create = canManage ? (
    <Dialog>
      <DialogTrigger>
        <Plus aria-hidden />
        Create token
      </DialogTrigger>
      <DialogContent title="Create a gateway token" description="Applications send it to authenticate to the team's gateways.">
        <CreateTokenForm action={createTokenAction.bind(null, team.slug)} gateways={gateways.map((g) => g.slug)} />
      </DialogContent>
    </Dialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Gateway tokens"
        description="Tokens let applications call the team's gateways and use its stored provider keys. Only a hash is stored: the secret is shown once, when the token is created."
        // Always here, never moved into the empty state: creating the first token re-renders the page
        // with a table, and a dialog that moved would unmount and lose the secret it is showing.
        actions={create}
      />
      <Card>
        {tokens.length === 0 ? (
          <EmptyState icon={Ticket} title="No tokens yet">
            {canManage
              ? "Create a token for each application that calls a gateway. Send it as cf-aig-authorization: Bearer sy_…"
              : "An admin or owner of the team can create tokens for applications."}
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Token</TableHead>
                <TableHead>Gateways</TableHead>
                <TokenLifeHeads />
                {canManage ? (
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                ) : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.map((token) => {
                const creator = creators.get(token.id);
                return (
                  <TableRow key={token.id} className={token.revokedAt ? "text-muted-foreground" : undefined}>
                    <TableCell className="font-medium">
                      <Link href={`/${team.slug}/tokens/${token.id}`} className="hover:underline">
                        {token.name}
                      </Link>
                      {token.playground ? (
                        <Badge className="ml-2" title="Used by the playground on your behalf; only you see it. It expires 12 hours after its last use.">
                          Your playground token
                        </Badge>
                      ) : null}
                      {token.rateLimits.length > 0 ? (
                        <span className="block text-xs font-normal text-muted-foreground">
                          {token.rateLimits.length} rate limit{token.rateLimits.length === 1 ? "" : "s"}
                        </span>
                      ) : null}
                    </TableCell>
                    <TableCell>
                      <TokenPreview token={token} />
                    </TableCell>
                    <TableCell>
                      {token.gatewaySlugs === null ? (
                        <span className="text-muted-foreground">All</span>
                      ) : token.gatewaySlugs.length === 0 ? (
                        <span className="text-muted-foreground" title="Its gateways were deleted">
                          None left
                        </span>
                      ) : (
                        <div className="flex flex-wrap gap-1">
                          {token.gatewaySlugs.map((gateway) => (
                            <Badge key={gateway} className="font-mono">
                              {gateway}
                            </Badge>
                          ))}
                        </div>
                      )}
                    </TableCell>
                    <TokenLifeCells token={token} createdBy={creator ? (creator.name ?? creator.email) : "CLI"} now={now} />
                    {canManage ? (
                      <TableCell className="text-right">
                        <RevokeToken
                          token={token}
                          kind="token"
                          consequence="Applications using this token are refused from their next request."
                          action={revokeTokenAction.bind(null, team.slug, token.id)}
                        />
                      </TableCell>
                    ) : null}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
