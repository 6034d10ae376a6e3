import { KeyRound, Plus, Server } from "lucide-react";
import type { Metadata } from "next";
import { ConfirmAction } from "@/components/confirm-action";
import { KeyStateCells } from "@/components/keys/key-cells";
import { catalogProviderOptions } from "@/components/keys/provider-options";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireTeam } from "@/lib/auth/team";
import { CUSTOM_PROVIDER_PREFIX } from "@/lib/providers";
import { credentialForm } from "@/lib/providers/credential-fields";
import { listCustomProviders } from "@/lib/services/custom-providers/list";
import { listGateways } from "@/lib/services/gateways/list";
import { listProviderKeyPools } from "@/lib/services/provider-keys/list";
import { roleAtLeast } from "@/lib/services/roles";
import { formatIsoUtc, formatRelative } from "@/lib/utils/format";
import { addCustomProviderAction, addKeyAction, removeKeyAction, rotateKeyAction, setKeyWeightAction } from "./actions";
import { AddCustomProviderForm, AddKeyForm, KeyWeightForm, RotateKeyForm, type ProviderOption } from "./key-forms";

export const metadata: Metadata = { title: "Provider keys" };

export default async function KeysPage({ params }: { params: Promise<{ team: string }> }) {
  const { team: slug } = await params;
  const { ctx, team, role } = await requireTeam(slug);
  const [pools, gateways, customProviders] = await Promise.all([
    listProviderKeyPools({ ctx, teamId: team.id }),
    listGateways({ ctx, teamId: team.id }),
    listCustomProviders({ ctx, teamId: team.id }),
  ]);
  const keys = pools.flatMap((pool) => pool.keys);
  const canManage = roleAtLeast(role, "admin");
  const now = new Date();

  const providerOptions: ProviderOption[] = [
    ...catalogProviderOptions(),
    ...customProviders.map((custom) => ({
      slug: `${CUSTOM_PROVIDER_PREFIX}${custom.slug}`,
      name: `${custom.name} (custom)`,
      baseUrlHint: custom.baseUrl,
      baseUrlRequired: false,
      fields: [...credentialForm(`${CUSTOM_PROVIDER_PREFIX}${custom.slug}`).fields],
    })),
  ];
  const providerName = (slug: string) => providerOptions.find((p) => p.slug === slug)?.name ?? slug;

  const add = canManage ? (
    <Dialog>
      <DialogTrigger>
        <Plus aria-hidden />
        Add key
      </DialogTrigger>
      <DialogContent
        title="Add a provider key"
        description="Gateways use it for requests that carry a gateway token and no key of their own."
        className="max-w-xl"
      >
        <AddKeyForm action={addKeyAction.bind(null, team.slug)} providers={providerOptions} gateways={gateways.map((g) => g.slug)} />
      </DialogContent>
    </Dialog>
  ) : null;

  return (
    <>
      <PageHeader
        title="Provider keys"
        description="The team's API keys for OpenAI, Groq and the other providers, encrypted at rest. A key stored for a gateway wins over a team-wide key of the same provider and alias. Several keys under one alias make a pool: requests are spread across them by weight, a key the provider rate-limits rests a while, and one it rejects leaves the pool until rotated."
        actions={keys.length > 0 ? add : null}
      />
      <div className="space-y-6">
        <Card>
          {keys.length === 0 ? (
            <EmptyState icon={KeyRound} title="No provider keys yet" action={add}>
              {canManage
                ? "Add a provider key so the team's gateways can call OpenAI, Groq or your own model server for your applications, which then only need a gateway token."
                : "An admin or owner of the team can add provider keys. Until then, requests must bring their own provider key."}
            </EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Provider</TableHead>
                  <TableHead>Alias</TableHead>
                  <TableHead>Used by</TableHead>
                  <TableHead>Secret</TableHead>
                  <TableHead>
                    <span title="Its share of its pool's requests, relative to the other keys of the pool">Weight</span>
                  </TableHead>
                  <TableHead>Base URL</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead>Last status</TableHead>
                  <TableHead>
                    <span title="The master key version that wraps the key, and when it was last wrapped: added, rotated or rewrapped">
                      Wrapped
                    </span>
                  </TableHead>
                  {canManage ? (
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  ) : null}
                </TableRow>
              </TableHeader>
              {pools.map((pool) => (
                <TableBody key={`${pool.provider}:${pool.alias}:${pool.gatewaySlug ?? ""}`}>
                  {pool.keys.length > 1 ? (
                    <TableRow className="bg-muted/40 hover:bg-muted/40">
                      <TableHead scope="rowgroup" colSpan={canManage ? 10 : 9} className="h-9 text-xs font-medium whitespace-normal text-foreground">
                        Pool <code className="font-mono">{pool.alias}</code> of {providerName(pool.provider)},{" "}
                        {pool.gatewaySlug ? `gateway ${pool.gatewaySlug}` : "team-wide"}: {pool.keys.length} keys,{" "}
                        {pool.activeKeys === pool.keys.length ? "all in rotation" : `${pool.activeKeys} in rotation`}; requests are
                        spread across them by weight.
                      </TableHead>
                    </TableRow>
                  ) : null}
                  {pool.keys.map((key) => (
                    <TableRow key={key.id}>
                      <TableCell className="font-medium whitespace-nowrap">{providerName(key.provider)}</TableCell>
                      <TableCell>
                        <code className="font-mono text-[13px]">{key.alias}</code>
                      </TableCell>
                      <TableCell>
                        {key.gatewaySlug ? (
                          <Badge className="font-mono">{key.gatewaySlug}</Badge>
                        ) : (
                          <span className="whitespace-nowrap text-muted-foreground">Team-wide</span>
                        )}
                      </TableCell>
                      <KeyStateCells
                        providerKey={key}
                        now={now}
                        rejectedHint="The provider answered 401 or 403: the key is wrong, revoked or lacks access. Requests skip it until it is rotated."
                      />
                      <TableCell className="whitespace-nowrap text-muted-foreground">
                        <code className="font-mono text-[13px] text-foreground">{key.masterKeyVersion}</code>{" "}
                        <span title={`Last wrapped ${formatIsoUtc(key.wrappedAt)}`}>{formatRelative(key.wrappedAt, now)}</span>
                      </TableCell>
                      {canManage ? (
                        <TableCell className="text-right whitespace-nowrap">
                          <Dialog>
                            <DialogTrigger variant="ghost" size="sm" aria-label={`Rotate the ${key.provider} key ${key.alias} ${key.preview}`.trimEnd()}>
                              Rotate
                            </DialogTrigger>
                            <DialogContent
                              title={`Rotate the ${providerName(key.provider)} key “${key.alias}”`}
                              description="Paste the new secret from the provider's dashboard."
                            >
                              <RotateKeyForm
                                action={rotateKeyAction.bind(null, team.slug, key.id, key.provider)}
                                fields={[...credentialForm(key.provider).fields]}
                              />
                            </DialogContent>
                          </Dialog>
                          <Dialog>
                            <DialogTrigger variant="ghost" size="sm" aria-label={`Change the weight of the ${key.provider} key ${key.alias} ${key.preview}`.trimEnd()}>
                              Weight
                            </DialogTrigger>
                            <DialogContent
                              title={`Weight of the ${providerName(key.provider)} key “${key.alias}”`}
                              description={`${key.preview || "This key"}: its share of the requests of its pool.`}
                            >
                              <KeyWeightForm action={setKeyWeightAction.bind(null, team.slug, key.id)} weight={key.weight} />
                            </DialogContent>
                          </Dialog>
                          <ConfirmAction
                            trigger="Delete"
                            triggerLabel={`Delete the ${key.provider} key ${key.alias} ${key.preview}`.trimEnd()}
                            triggerVariant="destructive-ghost"
                            title={`Delete the ${providerName(key.provider)} key “${key.alias}”?`}
                            description={
                              pool.keys.length > 1
                                ? `${key.preview || "This key"} leaves its pool; the other ${pool.keys.length - 1 === 1 ? "key keeps" : `${pool.keys.length - 1} keys keep`} serving its requests.`
                                : key.gatewaySlug
                                ? `Gateway ${key.gatewaySlug} falls back to a team-wide ${key.provider} key, if there is one.`
                                : `Gateways without a key of their own can no longer call ${providerName(key.provider)} with stored credentials.`
                            }
                            confirmLabel="Delete key"
                            pendingLabel="Deleting…"
                            action={removeKeyAction.bind(null, team.slug, key.id)}
                          />
                        </TableCell>
                      ) : null}
                    </TableRow>
                  ))}
                </TableBody>
              ))}
            </Table>
          )}
        </Card>

        <Card>
          <CardHeader className="flex-row items-center justify-between gap-4">
            <div className="space-y-1">
              <CardTitle>Custom providers</CardTitle>
              <CardDescription>
                Your own OpenAI-compatible servers, reached as <code className="font-mono text-xs">custom-{"{slug}"}</code>. Add a
                key for one above to use it.
              </CardDescription>
            </div>
            {canManage ? (
              <Dialog>
                <DialogTrigger variant="secondary" size="sm">
                  <Server aria-hidden />
                  Add provider
                </DialogTrigger>
                <DialogContent title="Add a custom provider" description="A self-hosted or third-party server that speaks OpenAI's API.">
                  <AddCustomProviderForm action={addCustomProviderAction.bind(null, team.slug)} />
                </DialogContent>
              </Dialog>
            ) : null}
          </CardHeader>
          {customProviders.length === 0 ? (
            <p className="px-5 py-4 text-sm text-muted-foreground">
              None yet. For a single local server, an OpenAI key with a base URL is enough.
            </p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Provider</TableHead>
                  <TableHead>Name</TableHead>
                  <TableHead>Base URL</TableHead>
                  <TableHead>Keys</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {customProviders.map((custom) => {
                  const providerSlug = `${CUSTOM_PROVIDER_PREFIX}${custom.slug}`;
                  const count = keys.filter((key) => key.provider === providerSlug).length;
                  return (
                    <TableRow key={custom.id}>
                      <TableCell>
                        <code className="font-mono text-[13px]">{providerSlug}</code>
                      </TableCell>
                      <TableCell>{custom.name}</TableCell>
                      <TableCell className="font-mono text-xs text-muted-foreground">{custom.baseUrl}</TableCell>
                      <TableCell>{count > 0 ? count : <Badge variant="warning">No key</Badge>}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
