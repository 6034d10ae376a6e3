import { and, asc, eq, isNull, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gateways, providerKeys, type ProviderKey } from "@/db/schema";
import { describeCredential } from "@/lib/providers/credential-fields";
import { InvalidInputError, NotFoundError } from "../errors";
import { findGateway } from "../gateways/get";

/** What may be shown of a stored provider key: never the secret. */
export interface ProviderKeyView {
  id: string;
  provider: string;
  alias: string;
  /** Null for a team-wide key. */
  gatewaySlug: string | null;
  secretStart: string;
  secretLast4: string;
  /** What lists show of the secret: its first and last four characters, a structured key's description, or "" for none. */
  preview: string;
  baseUrl: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** `ok`, or `rejected`: the provider refused it (401/403), so it is out of its pool until rotated; null before its first use. */
  lastStatus: string | null;
  /** Its share of its pool's requests, relative to the other keys' weights. */
  weight: number;
  /** The master key version that wraps its data key (SWITCHYARD_MASTER_KEYS). */
  masterKeyVersion: string;
  /** When its data key was last wrapped: added, rotated or rewrapped. */
  wrappedAt: Date;
}

/**
 * A key by id, or by what the data plane selects it by: provider, alias, and gateway (none for
 * team-wide); the latter only while the alias holds one key, as a pool's keys differ by id alone.
 */
export type ProviderKeySelector = { id: string; provider?: string } | { provider: string; alias?: string; gatewaySlug?: string };

export function toKeyView(key: ProviderKey, gatewaySlug: string | null): ProviderKeyView {
  return {
    id: key.id,
    provider: key.provider,
    alias: key.alias,
    gatewaySlug,
    secretStart: key.secretStart,
    secretLast4: key.secretLast4,
    preview: keyPreview(key.secretStart, key.secretLast4),
    baseUrl: key.baseUrl,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    lastStatus: key.lastStatus,
    weight: key.weight,
    masterKeyVersion: key.masterKeyVersion,
    wrappedAt: key.wrappedAt,
  };
}

/** What lists show of a stored secret, from what `secretPreview` kept of it. */
export function keyPreview(secretStart: string, secretLast4: string): string {
  return secretLast4 ? `${secretStart}…${secretLast4}` : secretStart;
}

/**
 * What is kept in the clear to recognise a secret by. A structured key (Bedrock's JSON, a Vertex
 * service account) is described by its provider without its secret parts, and the description is
 * kept as `secretStart` with no `secretLast4`: the ends of a JSON text could be the end of a
 * secret. Short plain secrets get no preview: four characters at each end would give most of
 * them away.
 */
export function secretPreview(provider: string, secret: string): Pick<ProviderKey, "secretStart" | "secretLast4"> {
  const description = describeCredential(provider, secret);
  if (description !== undefined) return { secretStart: description, secretLast4: "" };
  if (secret.length < 16) return { secretStart: "", secretLast4: "" };
  return { secretStart: secret.slice(0, 4), secretLast4: secret.slice(-4) };
}

export function describeScope(gatewaySlug: string | null | undefined): string {
  return gatewaySlug ? `for gateway "${gatewaySlug}"` : "for the whole team";
}

async function selectorCondition(
  db: Database,
  teamId: string,
  selector: ProviderKeySelector,
): Promise<{ where: SQL | undefined; notFound: string }> {
  if ("id" in selector) {
    // The CLI names the provider too, to know the fields of the secret it reads: they must agree.
    return selector.provider === undefined
      ? { where: eq(providerKeys.id, selector.id), notFound: `provider key ${selector.id} not found` }
      : { where: and(eq(providerKeys.id, selector.id), eq(providerKeys.provider, selector.provider)), notFound: `no ${selector.provider} key ${selector.id}` };
  }
  const alias = selector.alias ?? "default";
  const gatewayId = selector.gatewaySlug ? (await findGateway(db, teamId, selector.gatewaySlug)).id : null;
  return {
    where: and(
      eq(providerKeys.provider, selector.provider),
      eq(providerKeys.alias, alias),
      gatewayId ? eq(providerKeys.gatewayId, gatewayId) : isNull(providerKeys.gatewayId),
    ),
    notFound: `no ${selector.provider} key "${alias}" ${describeScope(selector.gatewaySlug)}`,
  };
}

/** For services that have already checked the actor's role in the team. */
export async function findProviderKey(
  db: Database,
  teamId: string,
  selector: ProviderKeySelector,
): Promise<{ key: ProviderKey; gatewaySlug: string | null }> {
  const { where, notFound } = await selectorCondition(db, teamId, selector);
  const rows = await db
    .select({ key: providerKeys, gatewaySlug: gateways.slug })
    .from(providerKeys)
    .leftJoin(gateways, eq(gateways.id, providerKeys.gatewayId))
    .where(and(eq(providerKeys.teamId, teamId), where))
    .orderBy(asc(providerKeys.createdAt), asc(providerKeys.id));
  const [row] = rows;
  if (!row) throw new NotFoundError(notFound);
  if (rows.length > 1) {
    const ids = rows.map((r) => r.key.id).join(", ");
    throw new InvalidInputError(
      `the ${row.key.provider} key "${row.key.alias}" ${describeScope(row.gatewaySlug)} is a pool of ${rows.length} keys; name one by its id: ${ids}`,
    );
  }
  return row;
}

/** The keys that share a scope, provider and alias: requests are spread across those still in it. */
export interface ProviderKeyPool {
  provider: string;
  alias: string;
  /** Null for team-wide keys. */
  gatewaySlug: string | null;
  /** Oldest first. */
  keys: ProviderKeyView[];
  /** The keys requests can still use: those the provider has not rejected. */
  activeKeys: number;
}

/** Groups keys listed pool by pool (as `listProviderKeys` orders them) into their pools. */
export function groupIntoPools(keys: ProviderKeyView[]): ProviderKeyPool[] {
  const pools: ProviderKeyPool[] = [];
  for (const key of keys) {
    let pool = pools.at(-1);
    if (!pool || pool.provider !== key.provider || pool.alias !== key.alias || pool.gatewaySlug !== key.gatewaySlug) {
      pool = { provider: key.provider, alias: key.alias, gatewaySlug: key.gatewaySlug, keys: [], activeKeys: 0 };
      pools.push(pool);
    }
    pool.keys.push(key);
    if (key.lastStatus !== "rejected") pool.activeKeys++;
  }
  return pools;
}
