import { ChevronRight, Route as RouteIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CreateRouteForm } from "@/components/routes/create-route-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import { roleAtLeast } from "@/lib/services/roles";
import { listRoutes } from "@/lib/services/routes/list";
import { formatDateTime } from "@/lib/utils/format";
import { createRouteAction } from "./actions";

type Params = Promise<{ team: string; gateway: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Routes · ${(await params).gateway}` };
}

export default async function RoutesPage({ params }: { params: Params }) {
  const { team: teamSlug, gateway: gatewaySlug } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  const [gateway, routes] = await Promise.all([
    getGateway({ ctx, teamId: team.id, slug: gatewaySlug }),
    listRoutes({ ctx, teamId: team.id, gatewaySlug }),
  ]).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const base = `/${team.slug}/gateways/${gateway.slug}/routes`;
  const create = roleAtLeast(role, "admin") ? (
    <Dialog>
      <DialogTrigger>New route</DialogTrigger>
      <DialogContent title="New route" description="A dynamic route picks the model for each request: by condition, percentage split, rate limit and fallback.">
        <CreateRouteForm action={createRouteAction.bind(null, team.slug, gateway.slug)} />
      </DialogContent>
    </Dialog>
  ) : null;

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
        title="Dynamic routes"
        description={'Call a route with model "dynamic/{name}" on any endpoint of this gateway. A version serves traffic once deployed.'}
        actions={create}
      />
      <Card>
        {routes.length === 0 ? (
          <EmptyState icon={RouteIcon} title="No routes yet">
            Create one with New route: send free-plan users to a cheap model, split the rest between two models, and fall back when a model fails.
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Call as</TableHead>
                <TableHead>Deployed</TableHead>
                <TableHead>Latest</TableHead>
                <TableHead>Modified</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {routes.map(({ route, deployedVersion, latestVersion }) => (
                <TableRow key={route.id}>
                  <TableCell>
                    <Link href={`${base}/${route.name}`} className="font-mono font-medium hover:underline">
                      {route.name}
                    </Link>
                  </TableCell>
                  <TableCell className="font-mono text-muted-foreground">dynamic/{route.name}</TableCell>
                  <TableCell>{deployedVersion ? <Badge variant="success">v{deployedVersion}</Badge> : <Badge>not deployed</Badge>}</TableCell>
                  <TableCell className="tabular-nums">v{latestVersion}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(route.updatedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </>
  );
}
