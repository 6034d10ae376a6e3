import type { Budget, Gateway, Role } from "@/db/schema";
import type { RateLimitSetting } from "@/lib/limits/settings";
import type { DeployedRoute } from "@/lib/routes/types";

export interface TeamRecord {
  id: string;
  slug: string;
}

export interface TokenRecord {
  id: string;
  teamId: string;
  teamSlug: string;
  /** Null: every gateway of the team. */
  gatewayIds: string[] | null;
  expiresAt: Date | null;
  /** The token's own rate limits. */
  rateLimits: RateLimitSetting[];
}

/**
 * A team API token with the run scope, as the gateway checks it: for every gateway of its team (as
 * Cloudflare's Run tokens are for every gateway of the account), with no rate limits of its own.
 */
export interface ApiTokenRecord extends TokenRecord {
  gatewayIds: null;
  /** The role it acts with now (lib/services/api-tokens/acting-role.ts); null once its creator left the team. */
  role: Role | null;
}

/** What the team's requests are limited by besides its gateways' and tokens' own settings. */
export interface TeamLimits {
  /** The team's budgets: team-wide (no gateway, no token), a gateway's, a token's. */
  budgets: Budget[];
  /** Every credit grant to the team, summed: the limit of its credits counter. */
  creditsGrantedMicros: number;
}

export interface StoredKey {
  id: string;
  /** Null for a team-wide key, and for every operator key. */
  gatewayId: string | null;
  /** Keys with the same gateway and alias are one pool. */
  alias: string;
  baseUrl: string | null;
  /** Its share of its pool's requests. */
  weight: number;
  /** The provider refused it (401/403) when it was last used: out of its pool until rotated. */
  rejected: boolean;
  /** The plaintext, decrypted on first use and then kept with the snapshot. */
  secret(): string;
}

export interface CustomProviderRecord {
  baseUrl: string;
}

/** Counters for /metrics. */
export interface DirectoryStats {
  /** Teams whose snapshot is held now. */
  teamsLoaded: number;
  /** Team snapshots loaded from the database, first loads included. */
  reloads: number;
  /** Snapshots dropped because their team changed. */
  invalidations: number;
  /** Token lookups no held snapshot could answer. */
  tokenMisses: number;
  /** Database round trips the directory made; a warm request makes none. */
  queries: number;
}

/**
 * Every read the data plane makes of the team's state, and the one write (the default gateway).
 * The gateway depends on this alone; `createSnapshotDirectory` (snapshot-directory.ts) answers it
 * from an in-process snapshot of the database per team.
 */
export interface GatewayDirectory {
  team(slug: string): Promise<TeamRecord | undefined>;
  gateway(teamId: string, slug: string): Promise<Gateway | undefined>;
  /** Finds the team's `default` gateway, creating it with Cloudflare's defaults for it when missing. */
  defaultGateway(teamId: string): Promise<Gateway>;
  /** Unrevoked token by hash (expiry is the caller's check, as time passes while it is held). */
  token(hash: string): Promise<TokenRecord | undefined>;
  /** Unrevoked team API token with the run scope, by hash (its role and expiry are the caller's checks). */
  apiToken(hash: string): Promise<ApiTokenRecord | undefined>;
  /** The provider's stored keys usable on this gateway: its own and the team-wide ones. */
  providerKeys(teamId: string, gatewayId: string, provider: string): Promise<StoredKey[]>;
  /** The operator's keys of the provider, which any team's request with a valid token may fall back to (credential resolution decides when). */
  operatorKeys(provider: string): Promise<StoredKey[]>;
  /** By slug without the `custom-` prefix; disabled providers are not returned. */
  customProvider(teamId: string, slug: string): Promise<CustomProviderRecord | undefined>;
  /** The gateway's dynamic route of that name, as its deployed version has it; undefined when there is none or none is deployed. */
  route(teamId: string, gatewayId: string, name: string): Promise<DeployedRoute | undefined>;
  /** The team's budgets and credits. */
  limits(teamId: string): Promise<TeamLimits>;
  /** Providers with at least one stored key usable on this gateway. */
  keyedProviders(teamId: string, gatewayId: string): Promise<string[]>;
  /** Providers with at least one operator key. */
  operatorKeyedProviders(): Promise<string[]>;
  stats(): DirectoryStats;
  /** Stops listening for changes. */
  close(): Promise<void>;
}
