import { ChevronRight, Trash2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfirmAction } from "@/components/confirm-action";
import { ActionButton } from "@/components/routes/action-button";
import { RouteWorkbench } from "@/components/routes/route-workbench";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { CUSTOM_PROVIDER_PREFIX, providers } from "@/lib/providers";
import { listCustomProviders } from "@/lib/services/custom-providers/list";
import { NotFoundError } from "@/lib/services/errors";
import { roleAtLeast } from "@/lib/services/roles";
import { describeRouteProblems } from "@/lib/services/routes/elements";
import { getRoute } from "@/lib/services/routes/get";
import { listRouteDeployments, listRouteVersions } from "@/lib/services/routes/versions";
import { formatDateTime } from "@/lib/utils/format";
import { deleteRouteAction, deployVersionAction, rollbackAction, saveVersionAction, testRouteAction } from "../actions";

type Params = Promise<{ team: string; gateway: string; route: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `${(await params).route} · Routes` };
}

export default async function RoutePage({ params }: { params: Params }) {
  const { team: teamSlug, gateway: gatewaySlug, route: routeParam } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  const scope = { ctx, teamId: team.id, gatewaySlug, route: routeParam };
  const [detail, versions, deployments, custom] = await Promise.all([
    getRoute(scope),
    listRouteVersions(scope),
    listRouteDeployments(scope),
    listCustomProviders({ ctx, teamId: team.id }),
  ]).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { gateway, route, latest, deployed } = detail;
  const canEdit = roleAtLeast(role, "admin");
  const knownProviders = [...providers.keys(), ...custom.filter((c) => c.enabled).map((c) => `${CUSTOM_PROVIDER_PREFIX}${c.slug}`)];
  const previous = deployments.find((d) => d.versionId !== route.deployedVersionId);
  const bind = <A extends unknown[], R>(action: (teamSlug: string, gatewaySlug: string, routeId: string, ...rest: A) => R) =>
    action.bind(null, team.slug, gateway.slug, route.id) as (...rest: A) => R;

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
            <ChevronRight aria-hidden className="mx-1 inline size-3.5 align-[-2px]" />
            <Link href={`/${team.slug}/gateways/${gateway.slug}/routes`} className="hover:text-foreground hover:underline">
              Routes
            </Link>
          </>
        }
        title={<span className="font-mono">{route.name}</span>}
        description={
          <>
            Call it as model <code className="font-mono">dynamic/{route.name}</code>.{" "}
            {deployed ? `Version ${deployed.version.number} serves traffic.` : "No version is deployed yet: requests for it are refused."}
          </>
        }
        actions={
          canEdit ? (
            <ConfirmAction
              trigger={
                <>
                  <Trash2 aria-hidden />
                  Delete
                </>
              }
              triggerVariant="destructive-ghost"
              title={`Delete route ${route.name}?`}
              description={`Its versions go with it, and requests for dynamic/${route.name} are refused at once.`}
              confirmLabel="Delete route"
              pendingLabel="Deleting…"
              action={bind(deleteRouteAction)}
            />
          ) : null
        }
      />
      <div className="space-y-6">
        <RouteWorkbench
          initialElements={latest.elements}
          knownProviders={knownProviders}
          canEdit={canEdit}
          save={bind(saveVersionAction)}
          test={bind(testRouteAction)}
        />

        <Card>
          <CardHeader>
            <CardTitle>Versions</CardTitle>
            <CardDescription>
              Every save is a version. Deploying one switches traffic to it at once; rolling back deploys the version that served before.
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-3">
            {canEdit && deployed && previous ? (
              <ActionButton
                action={bind(rollbackAction)}
                label={`Roll back to version ${previous.versionNumber}`}
                pendingLabel="Rolling back…"
              />
            ) : null}
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Version</TableHead>
                  <TableHead>State</TableHead>
                  <TableHead>Saved</TableHead>
                  <TableHead>Problems</TableHead>
                  <TableHead>
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {versions.map((version) => (
                  <TableRow key={version.id} data-testid={`route-version-${version.number}`}>
                    <TableCell className="font-mono tabular-nums">v{version.number}</TableCell>
                    <TableCell>
                      {version.id === route.deployedVersionId ? (
                        <Badge variant="success">deployed</Badge>
                      ) : version.valid ? (
                        <Badge>valid</Badge>
                      ) : (
                        <Badge variant="warning">cannot deploy</Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(version.createdAt)}</TableCell>
                    <TableCell className="max-w-md text-xs text-muted-foreground">
                      {version.problems.length > 0 ? describeRouteProblems(version.problems) : "—"}
                    </TableCell>
                    <TableCell className="text-right">
                      {canEdit && version.valid && version.id !== route.deployedVersionId ? (
                        <ActionButton
                          action={bind(deployVersionAction).bind(null, version.number)}
                          label="Deploy"
                          ariaLabel={`Deploy version ${version.number}`}
                          pendingLabel="Deploying…"
                        />
                      ) : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
