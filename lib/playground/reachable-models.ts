import { config } from "@/lib/config";
import { handleGatewayRequest } from "@/lib/gateway/process";
import type { ServiceContext } from "@/lib/services/context";
import { playgroundToken } from "@/lib/services/playground/token";
import type { PlaygroundDeps } from "./chat";
import { chatModelsByProvider, defaultFirst } from "./models";

interface ModelList {
  data?: Array<{ id: string; owned_by: string; type?: string }>;
}

/**
 * The chat models the playground offers: what each gateway's `compat/models` answers to the
 * user's playground token (catalog models of the providers with keys, and what custom providers'
 * servers report), per provider with its default first. A gateway that cannot answer adds nothing.
 */
export async function reachableChatModels({
  ctx,
  teamId,
  teamSlug,
  gatewaySlugs,
  deps = { gateway: handleGatewayRequest, publicUrl: config().publicUrl },
}: {
  ctx: ServiceContext;
  teamId: string;
  teamSlug: string;
  gatewaySlugs: string[];
  deps?: PlaygroundDeps;
}): Promise<Record<string, string[]>> {
  const { token } = await playgroundToken({ ctx, teamId, keyring: deps.keyring });
  const lists = await Promise.all(
    gatewaySlugs.map(async (gateway) => {
      const url = `${deps.publicUrl}/v1/${encodeURIComponent(teamSlug)}/${encodeURIComponent(gateway)}/compat/models`;
      const res = await deps.gateway(new Request(url, { headers: { authorization: `Bearer ${token}`, "user-agent": "switchyard-playground" } }));
      if (res.status !== 200) {
        await res.body?.cancel();
        return {};
      }
      return chatModelsByProvider(((await res.json()) as ModelList).data ?? []);
    }),
  );
  const merged: Record<string, string[]> = {};
  for (const list of lists) {
    for (const [provider, ids] of Object.entries(list)) merged[provider] = [...new Set([...(merged[provider] ?? []), ...ids])];
  }
  for (const provider of Object.keys(merged)) merged[provider] = defaultFirst(provider, merged[provider]!);
  return merged;
}
