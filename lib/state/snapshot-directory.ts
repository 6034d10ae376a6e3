import { and, arrayContains, eq, isNull, sum } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens, budgets, creditGrants, customProviders, directoryVersions, gatewayTokens, gateways, memberships, operatorKeys, providerKeys, routes, routeVersions, teams, type Gateway } from "@/db/schema";
import { decryptSecret, operatorKeyAad, providerKeyAad, type SealedSecret } from "@/lib/crypto/envelope";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { newId } from "@/lib/ids";
import { actingRole, creatorMembership } from "@/lib/services/api-tokens/acting-role";
import { watchDirectoryChanges } from "@/lib/state/change-feed";
import { changeDirectory, OPERATOR_DIRECTORY, type DirectoryChange } from "@/lib/state/directory-changes";
import type { DeployedRoute } from "@/lib/routes/types";
import type { ApiTokenRecord, CustomProviderRecord, GatewayDirectory, StoredKey, TeamLimits, TeamRecord, TokenRecord } from "@/lib/state/directory";

interface TeamSnapshot {
  /** directory_versions.version as the load found it: the snapshot holds every change up to it. */
  version: number;
  team: TeamRecord;
  gateways: Map<string, Gateway>;
  tokensByHash: Map<string, TokenRecord>;
  /** The team's unrevoked API tokens with the run scope. */
  apiTokensByHash: Map<string, ApiTokenRecord>;
  keysByProvider: Map<string, StoredKey[]>;
  customProviders: Map<string, CustomProviderRecord>;
  limits: TeamLimits;
  /** Deployed routes by `routeKey(gatewayId, name)`. */
  routes: Map<string, DeployedRoute>;
}

const routeKey = (gatewayId: string, name: string) => `${gatewayId}/${name}`;

/** The operator's keys, shared by every team: versioned as the directory OPERATOR_DIRECTORY. */
interface OperatorSnapshot {
  version: number;
  keysByProvider: Map<string, StoredKey[]>;
}

interface Entry<S> {
  loading: Promise<S>;
  /** Set once loaded; until then changes only raise `wanted`. */
  snapshot?: S;
  /** The latest version announced while loading: a load that read an older one is loaded again. */
  wanted: number;
}

type TeamEntry = Entry<TeamSnapshot>;

/** A key row as both key tables store it. */
interface KeyRow {
  id: string;
  gatewayId: string | null;
  provider: string;
  alias: string;
  ciphertext: string;
  masterKeyVersion: string;
  baseUrl: string | null;
  weight: number;
  lastStatus: string | null;
}

/** The rows by provider, each decrypted on first use, not here: a key that cannot be decrypted fails only the requests that use it. */
function storedKeysByProvider(keyring: MasterKeyring, rows: KeyRow[], aad: (provider: string, alias: string) => string): Map<string, StoredKey[]> {
  const byProvider = new Map<string, StoredKey[]>();
  for (const { provider, ciphertext, masterKeyVersion, lastStatus, ...key } of rows) {
    const sealed: SealedSecret = { ciphertext, masterKeyVersion };
    let plaintext: string | undefined;
    const secret = () => (plaintext ??= decryptSecret(keyring, sealed, aad(provider, key.alias)));
    const keys = byProvider.get(provider) ?? [];
    keys.push({ ...key, rejected: lastStatus === "rejected", secret });
    byProvider.set(provider, keys);
  }
  return byProvider;
}

/** Where a token hash or team slug was found. */
interface TeamVersion {
  teamId: string;
  version: number;
}

/** How long a token hash or team slug found nowhere is answered "unknown" without asking again. */
const MISS_TTL_MS = 1000;
/** Past this many remembered misses (a flood of made-up tokens) they are forgotten at once. */
const MAX_MISSES = 10_000;

/**
 * A lookup, for a token hash or team slug no held snapshot knows, of the team it belongs to: one
 * query however many requests ask at once, and none again for a key found nowhere lately, so a
 * flood of bad tokens cannot hammer the database.
 */
function teamLookup(ask: (key: string) => Promise<TeamVersion | undefined>) {
  const pending = new Map<string, Promise<TeamVersion | undefined>>();
  const missedUntil = new Map<string, number>();
  return {
    find(key: string): Promise<TeamVersion | undefined> {
      const until = missedUntil.get(key);
      if (until !== undefined && until > Date.now()) return Promise.resolve(undefined);
      let found = pending.get(key);
      if (!found) {
        found = ask(key).finally(() => pending.delete(key));
        found.then(
          (result) => {
            if (result) return;
            if (missedUntil.size >= MAX_MISSES) missedUntil.clear();
            missedUntil.set(key, Date.now() + MISS_TTL_MS);
          },
          () => {},
        );
        pending.set(key, found);
      }
      return found;
    },
    /** Anything may exist now. */
    forgetMisses: () => missedUntil.clear(),
  };
}

/**
 * The data plane's directory, answered from an in-process snapshot per team: loaded on the team's
 * first request, dropped when the team changes (change-feed.ts: at once for writes of this
 * process, within a second for other instances), loaded again on the next request.
 */
export function createSnapshotDirectory(db: Database, keyring: MasterKeyring): GatewayDirectory {
  const entries = new Map<string, TeamEntry>();
  // Filled from held snapshots only, so a hit needs no load.
  const teamIdsBySlug = new Map<string, string>();
  const tokensByHash = new Map<string, TokenRecord>();
  const apiTokensByHash = new Map<string, ApiTokenRecord>();
  const stats = { reloads: 0, invalidations: 0, tokenMisses: 0, queries: 0 };

  function query<T>(statement: PromiseLike<T>): PromiseLike<T> {
    stats.queries++;
    return statement;
  }

  const tokenLookup = teamLookup(async (hash) => {
    const [row] = await query(
      db
        .select({ teamId: gatewayTokens.teamId, version: directoryVersions.version })
        .from(gatewayTokens)
        .leftJoin(directoryVersions, eq(directoryVersions.teamId, gatewayTokens.teamId))
        .where(and(eq(gatewayTokens.tokenHash, hash), isNull(gatewayTokens.revokedAt)))
        .limit(1),
    );
    return row && found(row.teamId, row.version);
  });

  // Finds run-scoped API tokens only, the ones a snapshot holds: a read or edit token is a miss, remembered as one.
  const apiTokenLookup = teamLookup(async (hash) => {
    const [row] = await query(
      db
        .select({ teamId: apiTokens.teamId, version: directoryVersions.version })
        .from(apiTokens)
        .leftJoin(directoryVersions, eq(directoryVersions.teamId, apiTokens.teamId))
        .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), arrayContains(apiTokens.scopes, ["run"])))
        .limit(1),
    );
    return row && found(row.teamId, row.version);
  });

  const teamSlugLookup = teamLookup(async (slug) => {
    const [row] = await query(
      db
        .select({ teamId: teams.id, version: directoryVersions.version })
        .from(teams)
        .leftJoin(directoryVersions, eq(directoryVersions.teamId, teams.id))
        .where(eq(teams.slug, slug))
        .limit(1),
    );
    return row && found(row.teamId, row.version);
  });

  /** The row exists at `version`; a snapshot older than that would not hold it, as its change may not have reached us yet. */
  function found(teamId: string, version: number | null): TeamVersion {
    const change = { teamId, version: version ?? 0 };
    forgetIfOlder(change);
    return change;
  }

  /**
   * Changes arrive more than once (announced in-process, then echoed by LISTEN) and in any order,
   * so versions decide: only a snapshot older than the change is dropped.
   */
  function forgetIfOlder({ teamId, version }: DirectoryChange): void {
    if (teamId === OPERATOR_DIRECTORY) return forgetOperatorIfOlder(version);
    const entry = entries.get(teamId);
    if (!entry) return;
    const held = entry.snapshot;
    if (!held) {
      entry.wanted = Math.max(entry.wanted, version);
      return;
    }
    if (held.version >= version) return;
    entries.delete(teamId);
    stats.invalidations++;
    if (teamIdsBySlug.get(held.team.slug) === teamId) teamIdsBySlug.delete(held.team.slug);
    for (const [hash, token] of held.tokensByHash) if (tokensByHash.get(hash) === token) tokensByHash.delete(hash);
    for (const [hash, token] of held.apiTokensByHash) if (apiTokensByHash.get(hash) === token) apiTokensByHash.delete(hash);
  }

  let operator: Entry<OperatorSnapshot> | undefined;

  function forgetOperatorIfOlder(version: number): void {
    if (!operator) return;
    if (!operator.snapshot) operator.wanted = Math.max(operator.wanted, version);
    else if (operator.snapshot.version < version) {
      operator = undefined;
      stats.invalidations++;
    }
  }

  /** The operator's keys, loaded once however many requests want them meanwhile, and again after any change to them. */
  function operatorSnapshot(): OperatorSnapshot | Promise<OperatorSnapshot> {
    if (operator) return operator.snapshot ?? operator.loading;
    const entry: Entry<OperatorSnapshot> = { loading: loadOperatorInto(() => entry), wanted: 0 };
    operator = entry;
    return entry.loading;
  }

  /** As `loadInto`, for the operator's keys. */
  async function loadOperatorInto(entry: () => Entry<OperatorSnapshot>): Promise<OperatorSnapshot> {
    try {
      for (;;) {
        const snapshot = await loadOperator();
        if (snapshot.version < entry().wanted) continue;
        entry().snapshot = snapshot;
        return snapshot;
      }
    } catch (error) {
      if (operator === entry()) operator = undefined;
      throw error;
    }
  }

  async function loadOperator(): Promise<OperatorSnapshot> {
    stats.reloads++;
    const [versionRow] = await query(
      db.select({ version: directoryVersions.version }).from(directoryVersions).where(eq(directoryVersions.teamId, OPERATOR_DIRECTORY)),
    );
    const rows = await query(
      db
        .select({
          id: operatorKeys.id,
          provider: operatorKeys.provider,
          alias: operatorKeys.alias,
          ciphertext: operatorKeys.secret,
          masterKeyVersion: operatorKeys.masterKeyVersion,
          baseUrl: operatorKeys.baseUrl,
          weight: operatorKeys.weight,
          lastStatus: operatorKeys.lastStatus,
        })
        .from(operatorKeys),
    );
    const keyRows = rows.map((row) => ({ ...row, gatewayId: null }));
    return { version: versionRow?.version ?? 0, keysByProvider: storedKeysByProvider(keyring, keyRows, operatorKeyAad) };
  }

  const changes = watchDirectoryChanges(db, {
    *heldVersions() {
      for (const [teamId, { snapshot }] of entries) if (snapshot) yield [teamId, snapshot.version];
      if (operator?.snapshot) yield [OPERATOR_DIRECTORY, operator.snapshot.version];
    },
    onChange(change) {
      tokenLookup.forgetMisses();
      apiTokenLookup.forgetMisses();
      teamSlugLookup.forgetMisses();
      forgetIfOlder(change);
    },
  });

  /** The team's snapshot, loaded once however many requests want it meanwhile. */
  function snapshotOf(teamId: string): TeamSnapshot | Promise<TeamSnapshot> {
    const current = entries.get(teamId);
    if (current) return current.snapshot ?? current.loading;
    const entry: TeamEntry = { loading: loadInto(teamId, () => entry), wanted: 0 };
    entries.set(teamId, entry);
    return entry.loading;
  }

  /**
   * Loads the team until a load read a version no older than every change announced meanwhile (one
   * that started before a change may have read the data before it), and holds that snapshot from
   * then on: in the same step as the check, so no announcement can slip in between.
   */
  async function loadInto(teamId: string, entry: () => TeamEntry): Promise<TeamSnapshot> {
    try {
      for (;;) {
        const snapshot = await load(teamId);
        if (snapshot.version < entry().wanted) continue;
        entry().snapshot = snapshot;
        teamIdsBySlug.set(snapshot.team.slug, teamId);
        for (const [hash, token] of snapshot.tokensByHash) tokensByHash.set(hash, token);
        for (const [hash, token] of snapshot.apiTokensByHash) apiTokensByHash.set(hash, token);
        return snapshot;
      }
    } catch (error) {
      entries.delete(teamId);
      throw error;
    }
  }

  async function load(teamId: string): Promise<TeamSnapshot> {
    stats.reloads++;
    // The version first: whatever is read after it holds at least every change up to it.
    const [versionRow] = await query(
      db.select({ version: directoryVersions.version }).from(directoryVersions).where(eq(directoryVersions.teamId, teamId)),
    );
    const version = versionRow?.version ?? 0;
    const [[team], gatewayRows, tokenRows, apiTokenRows, keyRows, customRows, budgetRows, [granted], routeRows] = await Promise.all([
      query(db.select({ id: teams.id, slug: teams.slug }).from(teams).where(eq(teams.id, teamId))),
      query(db.select().from(gateways).where(eq(gateways.teamId, teamId))),
      query(
        db
          .select({
            id: gatewayTokens.id,
            hash: gatewayTokens.tokenHash,
            gatewayIds: gatewayTokens.gatewayIds,
            expiresAt: gatewayTokens.expiresAt,
            rateLimits: gatewayTokens.rateLimits,
          })
          .from(gatewayTokens)
          .where(and(eq(gatewayTokens.teamId, teamId), isNull(gatewayTokens.revokedAt))),
      ),
      query(
        db
          .select({
            id: apiTokens.id,
            hash: apiTokens.tokenHash,
            role: apiTokens.role,
            createdBy: apiTokens.createdBy,
            expiresAt: apiTokens.expiresAt,
            creatorRole: memberships.role,
          })
          .from(apiTokens)
          .leftJoin(memberships, creatorMembership)
          .where(and(eq(apiTokens.teamId, teamId), isNull(apiTokens.revokedAt), arrayContains(apiTokens.scopes, ["run"]))),
      ),
      query(
        db
          .select({
            id: providerKeys.id,
            gatewayId: providerKeys.gatewayId,
            provider: providerKeys.provider,
            alias: providerKeys.alias,
            ciphertext: providerKeys.secret,
            masterKeyVersion: providerKeys.masterKeyVersion,
            baseUrl: providerKeys.baseUrl,
            weight: providerKeys.weight,
            lastStatus: providerKeys.lastStatus,
          })
          .from(providerKeys)
          .where(eq(providerKeys.teamId, teamId)),
      ),
      query(
        db
          .select({ slug: customProviders.slug, baseUrl: customProviders.baseUrl })
          .from(customProviders)
          .where(and(eq(customProviders.teamId, teamId), eq(customProviders.enabled, true))),
      ),
      query(db.select().from(budgets).where(eq(budgets.teamId, teamId))),
      query(db.select({ micros: sum(creditGrants.amountMicros).mapWith(Number) }).from(creditGrants).where(eq(creditGrants.teamId, teamId))),
      query(
        db
          .select({
            routeId: routes.id,
            gatewayId: routes.gatewayId,
            name: routes.name,
            versionId: routeVersions.id,
            version: routeVersions.number,
            elements: routeVersions.elements,
          })
          .from(routes)
          .innerJoin(routeVersions, eq(routeVersions.id, routes.deployedVersionId))
          .where(eq(routes.teamId, teamId)),
      ),
    ]);
    if (!team) throw new Error(`team ${teamId} vanished while its snapshot was loading`);

    const keysByProvider = storedKeysByProvider(keyring, keyRows, (provider, alias) => providerKeyAad(teamId, provider, alias));
    return {
      version,
      team,
      gateways: new Map(gatewayRows.map((g) => [g.slug, g])),
      tokensByHash: new Map(tokenRows.map(({ hash, ...token }) => [hash, { ...token, teamId, teamSlug: team.slug }])),
      apiTokensByHash: new Map(
        apiTokenRows.map((row) => [
          row.hash,
          { id: row.id, teamId, teamSlug: team.slug, gatewayIds: null, expiresAt: row.expiresAt, rateLimits: [], role: actingRole(row, row.creatorRole) },
        ]),
      ),
      keysByProvider,
      customProviders: new Map(customRows.map(({ slug, baseUrl }) => [slug, { baseUrl }])),
      limits: { budgets: budgetRows, creditsGrantedMicros: granted?.micros ?? 0 },
      routes: new Map(routeRows.map(({ gatewayId, ...route }) => [routeKey(gatewayId, route.name), route])),
    };
  }

  const usableOn = (gatewayId: string) => (key: StoredKey) => key.gatewayId === gatewayId || key.gatewayId === null;

  return {
    async team(slug) {
      const teamId = teamIdsBySlug.get(slug) ?? (await teamSlugLookup.find(slug))?.teamId;
      return teamId === undefined ? undefined : (await snapshotOf(teamId)).team;
    },

    gateway: async (teamId, slug) => (await snapshotOf(teamId)).gateways.get(slug),

    async defaultGateway(teamId) {
      const existing = (await snapshotOf(teamId)).gateways.get("default");
      if (existing) return existing;
      // Cloudflare's default gateway: authentication on, logs on, caching off (reference §1.1).
      await query(
        changeDirectory(db, teamId, async (tx) => {
          await tx
            .insert(gateways)
            .values({ id: newId("gw"), teamId, slug: "default", isDefault: true, authentication: true, collectLogs: true, cacheTtl: 0 })
            .onConflictDoNothing();
        }),
      );
      // The change dropped the team's snapshot, so this loads one that has the gateway.
      const created = (await snapshotOf(teamId)).gateways.get("default");
      if (!created) throw new Error(`default gateway of team ${teamId} vanished right after its creation`);
      return created;
    },

    async token(hash) {
      const held = tokensByHash.get(hash);
      if (held) return held;
      stats.tokenMisses++;
      const owner = await tokenLookup.find(hash);
      return owner && (await snapshotOf(owner.teamId)).tokensByHash.get(hash);
    },

    async apiToken(hash) {
      const held = apiTokensByHash.get(hash);
      if (held) return held;
      stats.tokenMisses++;
      const owner = await apiTokenLookup.find(hash);
      return owner && (await snapshotOf(owner.teamId)).apiTokensByHash.get(hash);
    },

    providerKeys: async (teamId, gatewayId, provider) =>
      ((await snapshotOf(teamId)).keysByProvider.get(provider) ?? []).filter(usableOn(gatewayId)),

    operatorKeys: async (provider) => (await operatorSnapshot()).keysByProvider.get(provider) ?? [],

    limits: async (teamId) => (await snapshotOf(teamId)).limits,
    route: async (teamId, gatewayId, name) => (await snapshotOf(teamId)).routes.get(routeKey(gatewayId, name)),

    customProvider: async (teamId, slug) => (await snapshotOf(teamId)).customProviders.get(slug),

    async keyedProviders(teamId, gatewayId) {
      const { keysByProvider } = await snapshotOf(teamId);
      return [...keysByProvider].filter(([, keys]) => keys.some(usableOn(gatewayId))).map(([provider]) => provider).sort();
    },

    operatorKeyedProviders: async () => [...(await operatorSnapshot()).keysByProvider.keys()].sort(),

    stats: () => ({ teamsLoaded: [...entries.values()].filter((e) => e.snapshot).length, ...stats }),

    close: () => changes.close(),
  };
}
