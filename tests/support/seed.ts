import { randomBytes } from "node:crypto";
import type { Database } from "@/db/client";
import type { Gateway, Team } from "@/db/schema";
import type { ServiceContext } from "@/lib/services/context";
import { createCustomProvider } from "@/lib/services/custom-providers/create";
import { createGateway } from "@/lib/services/gateways/create";
import type { GatewaySettingsPatch } from "@/lib/services/gateways/settings";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { createTeam } from "@/lib/services/teams/create";
import { createGatewayToken } from "@/lib/services/tokens/create";
import { testKeyring } from "./keyring";

/**
 * The fake providers listen on loopback, so tests save base URLs as a deployment that allows private
 * upstreams does; each gateway server still decides for itself whether it connects to them.
 */
const SAVE_PRIVATE_UPSTREAMS = true;

export function operatorContext(db: Database): ServiceContext {
  return { db, actor: { type: "operator" } };
}

/** A slug no other test of the process uses, so tests share one database without colliding. */
export function uniqueSlug(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export interface SeededTeam {
  ctx: ServiceContext;
  team: Team;
  gateway: Gateway;
  /** Plaintext gateway token (`sy_…`), valid for every gateway of the team. */
  token: string;
  tokenId: string;
  /** The stored team-wide key's plaintext secret; "" when none was added. */
  providerKey: string;
  /** `{server}/v1/{team}/{gateway}` */
  gatewayUrl: string;
}

export interface SeedOptions {
  /** The gateway server's URL; used to build `gatewayUrl`. */
  serverUrl: string;
  /** Base URL of the stored key (the fake provider's `/v1`). Omit for no stored key. */
  keyBaseUrl?: string;
  provider?: string;
  gatewaySlug?: string;
  settings?: GatewaySettingsPatch;
}

/**
 * A team with one gateway (authentication on unless `settings` says otherwise), a team-wide token
 * and, with `keyBaseUrl`, a team-wide stored key for `provider` (default openai) pointing there.
 */
export async function seedTeam(db: Database, options: SeedOptions): Promise<SeededTeam> {
  const ctx = operatorContext(db);
  const team = await createTeam({ ctx, slug: uniqueSlug("team") });
  const gateway = await createGateway({
    ctx,
    teamId: team.id,
    slug: options.gatewaySlug ?? "main",
    settings: { authentication: true, ...options.settings },
  });
  const issued = await createGatewayToken({ ctx, teamId: team.id, name: "tests" });
  let providerKey = "";
  if (options.keyBaseUrl) {
    providerKey = `sk-stored-${randomBytes(8).toString("hex")}`;
    await addProviderKey({
      ctx,
      teamId: team.id,
      provider: options.provider ?? "openai",
      secret: providerKey,
      baseUrl: options.keyBaseUrl,
      keyring: testKeyring,
      allowPrivateUpstreams: SAVE_PRIVATE_UPSTREAMS,
    });
  }
  return {
    ctx,
    team,
    gateway,
    token: issued.token,
    tokenId: issued.record.id,
    providerKey,
    gatewayUrl: `${options.serverUrl}/v1/${team.slug}/${gateway.slug}`,
  };
}

/**
 * A stored key: team-wide unless `gatewaySlug` is given. A key for an alias that has keys already
 * joins their pool, so suites build pools by adding keys. Returns the plaintext secret.
 */
export async function addKey(
  seeded: SeededTeam,
  options: { provider?: string; alias?: string; gatewaySlug?: string; baseUrl?: string; secret?: string },
): Promise<string> {
  const secret = options.secret ?? `sk-${options.alias ?? "key"}-${randomBytes(8).toString("hex")}`;
  await addProviderKey({
    ctx: seeded.ctx,
    teamId: seeded.team.id,
    provider: options.provider ?? "openai",
    secret,
    alias: options.alias,
    gatewaySlug: options.gatewaySlug,
    baseUrl: options.baseUrl,
    pool: true,
    keyring: testKeyring,
    allowPrivateUpstreams: SAVE_PRIVATE_UPSTREAMS,
  });
  return secret;
}

export async function addGateway(seeded: SeededTeam, slug: string, settings: GatewaySettingsPatch = {}): Promise<Gateway> {
  return createGateway({ ctx: seeded.ctx, teamId: seeded.team.id, slug, settings: { authentication: true, ...settings } });
}

/** A token of the seeded team, limited to the given gateways when `gatewaySlugs` is set. */
export async function addToken(seeded: SeededTeam, gatewaySlugs?: string[]): Promise<{ token: string; id: string }> {
  const issued = await createGatewayToken({ ctx: seeded.ctx, teamId: seeded.team.id, name: uniqueSlug("tok"), gatewaySlugs });
  return { token: issued.token, id: issued.record.id };
}

export async function addCustomProvider(seeded: SeededTeam, slug: string, baseUrl: string): Promise<void> {
  await createCustomProvider({
    ctx: seeded.ctx,
    teamId: seeded.team.id,
    slug,
    name: `Custom ${slug}`,
    baseUrl,
    allowPrivateUpstreams: SAVE_PRIVATE_UPSTREAMS,
  });
}
