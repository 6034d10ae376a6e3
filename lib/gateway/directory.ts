import { and, eq, isNull, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { customProviders, gatewayTokens, gateways, providerKeys, teams, type Gateway } from "@/db/schema";
import { decryptSecret, providerKeyAad } from "@/lib/crypto/envelope";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";

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
}

export interface StoredKey {
  id: string;
  /** Null for a team-wide key. */
  gatewayId: string | null;
  alias: string;
  secret: string;
  masterKeyVersion: string;
  baseUrl: string | null;
}

export interface CustomProviderRecord {
  baseUrl: string;
}

/**
 * Every read the data plane makes, behind one interface so a snapshot with change notifications
 * can replace it. Meanwhile results are cached for DIRECTORY_CACHE_MS: a revoked token, a removed
 * key or a changed setting takes effect within that time, not instantly.
 */
export interface Directory {
  team(slug: string): Promise<TeamRecord | undefined>;
  gateway(teamId: string, slug: string): Promise<Gateway | undefined>;
  /** Finds the team's `default` gateway, creating it with Cloudflare's defaults for it when missing. */
  defaultGateway(teamId: string): Promise<Gateway>;
  /** Unrevoked token by hash (expiry is the caller's check, as time passes while cached). */
  token(hash: string): Promise<TokenRecord | undefined>;
  /** The provider's stored keys usable on this gateway: its own and the team-wide ones. */
  providerKeys(teamId: string, gatewayId: string, provider: string): Promise<StoredKey[]>;
  /** By slug without the `custom-` prefix; disabled providers are not returned. */
  customProvider(teamId: string, slug: string): Promise<CustomProviderRecord | undefined>;
  /** Providers with at least one stored key usable on this gateway. */
  keyedProviders(teamId: string, gatewayId: string): Promise<string[]>;
  /** The plaintext of a stored key. */
  secret(teamId: string, provider: string, key: StoredKey): string;
}

export const DIRECTORY_CACHE_MS = 1000;
const CACHE_MAX_ENTRIES = 10_000;

/** Caches found values only, so anything created shows up at once. */
class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V | undefined>; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (this.entries.size >= CACHE_MAX_ENTRIES) this.entries.clear();
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.then(
      (found) => {
        if (found === undefined) this.entries.delete(key);
      },
      () => this.entries.delete(key),
    );
    return value;
  }
}

export function createDirectory(db: Database, keyring: MasterKeyring, cacheMs = DIRECTORY_CACHE_MS): Directory {
  const teamCache = new TtlCache<TeamRecord>(cacheMs);
  const gatewayCache = new TtlCache<Gateway>(cacheMs);
  const tokenCache = new TtlCache<TokenRecord>(cacheMs);
  const keyCache = new TtlCache<StoredKey[]>(cacheMs);
  const customCache = new TtlCache<CustomProviderRecord>(cacheMs);
  // Decrypting costs two AES-GCM opens; keyed by ciphertext, so a rotated secret is never served stale.
  const plaintexts = new Map<string, string>();

  async function findGateway(teamId: string, slug: string): Promise<Gateway | undefined> {
    const [row] = await db
      .select()
      .from(gateways)
      .where(and(eq(gateways.teamId, teamId), eq(gateways.slug, slug)))
      .limit(1);
    return row;
  }

  return {
    team: (slug) =>
      teamCache.get(slug, async () => {
        const [row] = await db.select({ id: teams.id, slug: teams.slug }).from(teams).where(eq(teams.slug, slug)).limit(1);
        return row;
      }),

    gateway: (teamId, slug) => gatewayCache.get(`${teamId}/${slug}`, () => findGateway(teamId, slug)),

    async defaultGateway(teamId) {
      const existing = await gatewayCache.get(`${teamId}/default`, () => findGateway(teamId, "default"));
      if (existing) return existing;
      // Cloudflare's default gateway: authentication on, logs on, caching off (reference §1.1).
      await db
        .insert(gateways)
        .values({ id: newId("gw"), teamId, slug: "default", isDefault: true, authentication: true, collectLogs: true, cacheTtl: 0 })
        .onConflictDoNothing();
      const created = await gatewayCache.get(`${teamId}/default`, () => findGateway(teamId, "default"));
      if (!created) throw new Error(`default gateway of team ${teamId} vanished right after its creation`);
      return created;
    },

    token: (hash) =>
      tokenCache.get(hash, async () => {
        const [row] = await db
          .select({
            id: gatewayTokens.id,
            teamId: gatewayTokens.teamId,
            teamSlug: teams.slug,
            gatewayIds: gatewayTokens.gatewayIds,
            expiresAt: gatewayTokens.expiresAt,
          })
          .from(gatewayTokens)
          .innerJoin(teams, eq(teams.id, gatewayTokens.teamId))
          .where(and(eq(gatewayTokens.tokenHash, hash), isNull(gatewayTokens.revokedAt)))
          .limit(1);
        return row;
      }),

    providerKeys: async (teamId, gatewayId, provider) =>
      (await keyCache.get(`${teamId}/${gatewayId}/${provider}`, async () => {
        const rows = await db
          .select({
            id: providerKeys.id,
            gatewayId: providerKeys.gatewayId,
            alias: providerKeys.alias,
            secret: providerKeys.secret,
            masterKeyVersion: providerKeys.masterKeyVersion,
            baseUrl: providerKeys.baseUrl,
          })
          .from(providerKeys)
          .where(
            and(
              eq(providerKeys.teamId, teamId),
              eq(providerKeys.provider, provider),
              or(eq(providerKeys.gatewayId, gatewayId), isNull(providerKeys.gatewayId)),
            ),
          );
        return rows.length > 0 ? rows : undefined;
      })) ?? [],

    customProvider: (teamId, slug) =>
      customCache.get(`${teamId}/${slug}`, async () => {
        const [row] = await db
          .select({ baseUrl: customProviders.baseUrl })
          .from(customProviders)
          .where(and(eq(customProviders.teamId, teamId), eq(customProviders.slug, slug), eq(customProviders.enabled, true)))
          .limit(1);
        return row;
      }),

    async keyedProviders(teamId, gatewayId) {
      const rows = await db
        .selectDistinct({ provider: providerKeys.provider })
        .from(providerKeys)
        .where(and(eq(providerKeys.teamId, teamId), or(eq(providerKeys.gatewayId, gatewayId), isNull(providerKeys.gatewayId))));
      return rows.map((r) => r.provider).sort();
    },

    secret(teamId, provider, key) {
      const cached = plaintexts.get(key.secret);
      if (cached !== undefined) return cached;
      const plaintext = decryptSecret(
        keyring,
        { ciphertext: key.secret, masterKeyVersion: key.masterKeyVersion },
        providerKeyAad(teamId, provider, key.alias),
      );
      if (plaintexts.size >= CACHE_MAX_ENTRIES) plaintexts.clear();
      plaintexts.set(key.secret, plaintext);
      return plaintext;
    },
  };
}
