import { ChartColumn, Route as RouteIcon, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfirmAction } from "@/components/confirm-action";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { PageHeader } from "@/components/ui/page-header";
import { Tabs } from "@/components/ui/tabs";
import { requireTeam } from "@/lib/auth/team";
import { config } from "@/lib/config";
import { judgedCategories } from "@/lib/guardrails/settings";
import { providers as catalog } from "@/lib/providers";
import { catalogModels } from "@/lib/pricing/cost";
import { NotFoundError } from "@/lib/services/errors";
import { RateLimitRulesCard, SpendLimitsCard } from "@/components/limits/limit-cards";
import { DlpSettingsCard } from "@/components/gateways/dlp-settings";
import { GuardrailsSettingsCard } from "@/components/gateways/guardrails-settings";
import { maskedOtel } from "@/lib/gateways/settings/otel";
import { getGateway } from "@/lib/services/gateways/get";
import { gatewaySpendLimitSpend } from "@/lib/services/limits/spend";
import { gatewaySettingsSchema, type GatewaySettings } from "@/lib/services/gateways/settings";
import { listProviderKeys } from "@/lib/services/provider-keys/list";
import { roleAtLeast } from "@/lib/services/roles";
import { gatewayBaseUrls } from "@/lib/services/teams/base-urls";
import { deleteGatewayAction, updateGatewayAction } from "../actions";
import { saveDlpAction, saveGuardrailsAction } from "./content-control-actions";
import {
  enableSpendLimitsAction,
  removeGatewayRateLimitAction,
  removeSpendLimitRuleAction,
  setGatewayRateLimitAction,
  setSpendLimitRuleAction,
} from "./limit-actions";
import { providerQuickstarts, quickstarts } from "./quickstarts";
import { GatewaySettingsForm } from "./settings-form";

type Params = Promise<{ team: string; gateway: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: (await params).gateway };
}

/** A chat model the quickstarts can name: one the team has a key for, from the pricing catalog when it knows one. */
function exampleModel(keyProviders: string[]): string {
  // Passthrough-only providers (speech, images) have no chat model to name.
  const chat = keyProviders.filter((slug) => !catalog.get(slug)?.passthroughOnly);
  const provider = chat.includes("openai") || chat.length === 0 ? "openai" : chat[0]!;
  if (provider === "openai") return "openai/gpt-4o-mini";
  const known = catalogModels(provider).find((model) => !model.embedding)?.id;
  return `${provider}/${known ?? "your-model"}`;
}

export default async function GatewayPage({ params }: { params: Params }) {
  const { team: teamSlug, gateway: gatewaySlug } = await params;
  const { ctx, team, role } = await requireTeam(teamSlug);
  const [gateway, keys] = await Promise.all([
    getGateway({ ctx, teamId: team.id, slug: gatewaySlug }).catch((error: unknown) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    listProviderKeys({ ctx, teamId: team.id }),
  ]);
  const spend = await gatewaySpendLimitSpend({ ctx, teamId: team.id, gatewaySlug: gateway.slug });
  const usableKeys = keys.filter((key) => key.gatewaySlug === null || key.gatewaySlug === gateway.slug);
  const providers = [...new Set(usableKeys.map((key) => key.provider))].sort();
  const urls = gatewayBaseUrls(config().publicUrl, team.slug, gateway.slug);
  const canEdit = roleAtLeast(role, "admin");
  const examples = quickstarts({ urls, gatewaySlug: gateway.slug, model: exampleModel(providers) });
  const providerExamples = providerQuickstarts({ urls, gatewaySlug: gateway.slug });

  const baseUrls = [
    { label: "OpenAI-compatible", url: urls.compat, about: 'Every provider through one API; the model is "{provider}/{model}".' },
    { label: "Provider passthrough", url: urls.passthrough, about: "The provider's own paths and bodies, unchanged, e.g. …/openai/chat/completions." },
    { label: "REST", url: urls.rest, about: "Cloudflare's REST shape; send cf-aig-gateway-id: " + gateway.slug + "." },
  ];

  // Only the settings cross to the client form, not the gateway's ids nor the collectors' credentials.
  const settings = {
    ...Object.fromEntries(Object.keys(gatewaySettingsSchema.shape).map((name) => [name, gateway[name as keyof GatewaySettings]])),
    otel: maskedOtel(gateway.otel),
  } as GatewaySettings;
  return (
    <>
      <PageHeader
        breadcrumb={
          <Link href={`/${team.slug}/gateways`} className="hover:text-foreground hover:underline">
            Gateways
          </Link>
        }
        title={<span className="font-mono">{gateway.slug}</span>}
        description={
          gateway.authentication
            ? "Authenticated: requests need a gateway token of this team."
            : "Open: requests without a token are accepted, but stored provider keys are only used with a token."
        }
        actions={
          <>
            <Link href={`/${team.slug}/gateways/${gateway.slug}/analytics`} className={buttonVariants({ variant: "secondary" })}>
              <ChartColumn aria-hidden />
              Analytics
            </Link>
            <Link href={`/${team.slug}/gateways/${gateway.slug}/routes`} className={buttonVariants({ variant: "secondary" })}>
              <RouteIcon aria-hidden />
              Routes
            </Link>
            <Link href={`/${team.slug}/gateways/${gateway.slug}/logs`} className={buttonVariants({ variant: "secondary" })}>
              <ScrollText aria-hidden />
              Request logs
            </Link>
          </>
        }
      />

      <div className="space-y-6">
        {providers.length === 0 ? (
          <Alert variant="warning" title="No provider key reaches this gateway yet">
            Requests will be refused until the team stores a key, team-wide or for this gateway.{" "}
            <Link href={`/${team.slug}/keys`} className="font-medium underline underline-offset-4">
              Add a provider key
            </Link>
            , e.g. for OpenAI, or send your own key in the Authorization header.
          </Alert>
        ) : null}

        <Card>
          <CardHeader>
            <CardTitle>Base URLs</CardTitle>
            <CardDescription>
              Keys stored for: {providers.length > 0 ? providers.map((p) => <Badge key={p} className="mr-1">{p}</Badge>) : "none"}
            </CardDescription>
          </CardHeader>
          <CardContent className="divide-y divide-border p-0">
            {baseUrls.map(({ label, url, about }) => (
              <div key={label} className="grid gap-1 px-5 py-3 md:grid-cols-[11rem_1fr] md:items-center md:gap-4">
                <div className="text-sm font-medium">{label}</div>
                <div className="min-w-0">
                  <div className="flex items-center gap-1">
                    <code className="min-w-0 truncate rounded bg-muted px-1.5 py-0.5 font-mono text-[13px]" title={url}>
                      {url}
                    </code>
                    <CopyButton value={url} label={`Copy the ${label} base URL`} />
                  </div>
                  <p className="mt-1 text-xs text-muted-foreground">{about}</p>
                </div>
              </div>
            ))}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Quickstart</CardTitle>
            <CardDescription>
              Set <code className="font-mono text-xs">SWITCHYARD_TOKEN</code> to a{" "}
              <Link href={`/${team.slug}/tokens`} className="text-primary underline-offset-4 hover:underline">
                gateway token
              </Link>{" "}
              of this team. Its secret is shown once, when you create it.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Tabs
              label="Quickstart language"
              items={examples.map((example) => ({
                id: example.id,
                label: example.label,
                content: <CodeBlock code={example.code} title={example.label} />,
              }))}
            />
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Provider APIs</CardTitle>
            <CardDescription>
              Providers whose own APIs take more than a base URL: a region, a project, a deployment. With a stored key of the
              provider, the request carries only the gateway token.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Tabs
              label="Provider"
              items={providerExamples.map((provider) => ({
                id: provider.provider,
                label: provider.name,
                content: (
                  <div className="space-y-3">
                    {provider.examples.map((example) => (
                      <CodeBlock key={example.id} code={example.code} title={example.label} />
                    ))}
                  </div>
                ),
              }))}
            />
          </CardContent>
        </Card>

        <GatewaySettingsForm
          settings={settings}
          canEdit={canEdit}
          role={role}
          action={updateGatewayAction.bind(null, team.slug, gateway.slug)}
        />

        <GuardrailsSettingsCard
          settings={gateway.guardrails}
          judged={{ "llama-guard": judgedCategories({ kind: "llama-guard", model: "" }), "openai-moderation": judgedCategories({ kind: "openai-moderation" }) }}
          canEdit={canEdit}
          action={saveGuardrailsAction.bind(null, team.slug, gateway.slug)}
        />

        <DlpSettingsCard settings={gateway.dlp} canEdit={canEdit} action={saveDlpAction.bind(null, team.slug, gateway.slug)} />

        <RateLimitRulesCard
          rules={gateway.rateLimits}
          canEdit={canEdit}
          allowTokenKey
          description="Besides the gateway-wide limit above: requests or tokens per window, for all requests or one count per token, model, provider or metadata value."
          setAction={setGatewayRateLimitAction.bind(null, team.slug, gateway.slug)}
          removeAction={(ruleId) => removeGatewayRateLimitAction.bind(null, team.slug, gateway.slug, ruleId)}
        />

        <SpendLimitsCard
          spendLimits={gateway.spendLimits}
          spend={spend}
          canEdit={canEdit}
          setAction={setSpendLimitRuleAction.bind(null, team.slug, gateway.slug)}
          removeAction={(ruleId) => removeSpendLimitRuleAction.bind(null, team.slug, gateway.slug, ruleId)}
          enableAction={enableSpendLimitsAction.bind(null, team.slug, gateway.slug)}
        />

        {canEdit ? (
          <Card>
            <CardHeader>
              <CardTitle>Delete this gateway</CardTitle>
              <CardDescription>
                Its URLs stop working and the provider keys stored for it are deleted. Request logs are kept.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <ConfirmAction
                trigger="Delete gateway"
                triggerVariant="destructive"
                triggerSize="md"
                title={`Delete the gateway ${gateway.slug}?`}
                description="This cannot be undone. Applications using its URLs get 404 from then on."
                confirmLabel="Delete"
                pendingLabel="Deleting…"
                action={deleteGatewayAction.bind(null, team.slug, gateway.slug)}
              />
            </CardContent>
          </Card>
        ) : null}
      </div>
    </>
  );
}
