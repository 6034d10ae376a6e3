import { chatsThroughCompat, playgroundModels } from "@/lib/playground/models";
import type { ServiceContext } from "../context";
import { ForbiddenError } from "../errors";
import { listGateways } from "../gateways/list";
import { listProviderKeys } from "../provider-keys/list";
import { requireRole } from "../roles";
import { requirePlaygroundUser } from "./token";

export interface PlaygroundGatewayOption {
  slug: string;
  /** Providers with a stored `default` key this gateway uses (its own or a team-wide one) that the playground can chat with. */
  providers: string[];
  /** The gateway refuses stored keys ("Require provider credentials"), so the playground cannot use it. */
  byokOnly: boolean;
}

export interface PlaygroundOptions {
  gateways: PlaygroundGatewayOption[];
  /** `{provider}/{model}` chat model ids from the pricing catalog, per provider; custom providers and Azure deployments have none. */
  models: Record<string, string[]>;
  /** Why the actor may look but not send (viewers); undefined when they may send. */
  refusal: string | undefined;
}

/**
 * What the playground page offers: the team's gateways, the providers each can reach with stored
 * keys, and their catalog models. Viewers get the list too, with the reason they cannot send.
 */
export async function playgroundOptions({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<PlaygroundOptions> {
  await requireRole(ctx, teamId, "viewer");
  const [gateways, keys] = await Promise.all([listGateways({ ctx, teamId }), listProviderKeys({ ctx, teamId })]);
  let refusal: string | undefined;
  try {
    await requirePlaygroundUser(ctx, teamId);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    refusal = error.message;
  }

  // The gateway sends the `default` alias unless a request names another, so only those count.
  const usable = keys.filter((key) => key.alias === "default" && chatsThroughCompat(key.provider));
  const options = gateways.map((gateway) => ({
    slug: gateway.slug,
    byokOnly: gateway.byokOnly,
    providers: gateway.byokOnly
      ? []
      : [...new Set(usable.filter((key) => key.gatewaySlug === null || key.gatewaySlug === gateway.slug).map((key) => key.provider))].sort(),
  }));
  const models: Record<string, string[]> = {};
  for (const provider of new Set(options.flatMap((option) => option.providers))) models[provider] = playgroundModels(provider);
  return { gateways: options, models, refusal };
}
