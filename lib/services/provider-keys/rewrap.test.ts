import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { directoryVersions, operatorKeys, playgroundCredentials, providerKeys } from "@/db/schema";
import { decryptSecret, operatorKeyAad, providerKeyAad } from "@/lib/crypto/envelope";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { testDatabases } from "@/tests/support/database";
import { ForbiddenError } from "../errors";
import { addOperatorKey } from "../operator/keys";
import { playgroundSecretAad, playgroundToken } from "../playground/token";
import { newTeam, operatorOf, userContext, userIdOf } from "../test-helpers";
import { addProviderKey } from "./add";
import { listProviderKeys } from "./list";
import { rewrapProviderKeys } from "./rewrap";
import { rotateProviderKey } from "./rotate";
import { OPERATOR_DIRECTORY } from "@/lib/state/directory-changes";

const masterKey = () => randomBytes(32).toString("base64");
const [v0, v1, v2] = [`v0:${masterKey()}`, `v1:${masterKey()}`, `v2:${masterKey()}`];
/** Before the rotation, after a new master key was added, and once the old one is retired. */
const before = parseMasterKeys(v1);
const during = parseMasterKeys(`${v1},${v2}`);
const after = parseMasterKeys(v2);

describe.each(testDatabases())("rewrapProviderKeys on $name", (database) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.close());

  async function rowOf(id: string) {
    const [row] = await handle.db.select().from(providerKeys).where(eq(providerKeys.id, id));
    return row!;
  }

  async function versionOf(teamId: string): Promise<number> {
    const [row] = await handle.db.select().from(directoryVersions).where(eq(directoryVersions.teamId, teamId));
    return row?.version ?? 0;
  }

  it("wraps every key under the newest master key, the secrets unchanged, and is idempotent", async () => {
    const ctx = operatorOf(handle);
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const secrets = { openai: "sk-proj-rewrap-0123456789abcd", groq: "gsk_rewrap_0123456789abcdef" };
    const keys = [
      await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: secrets.openai, keyring: before }),
      await addProviderKey({ ctx, teamId: other.id, provider: "groq", secret: secrets.groq, keyring: before }),
    ];
    const operatorSecret = "sk-proj-rewrap-operator-0123456789";
    const operatorKey = await addOperatorKey({ ctx, provider: "openai", secret: operatorSecret, keyring: before });
    const member = await userContext(handle, { team, role: "member" });
    const playground = await playgroundToken({ ctx: member, teamId: team.id, keyring: before });
    const original = await rowOf(keys[0]!.id);
    const versions = [await versionOf(team.id), await versionOf(other.id)];
    const operatorVersion = await versionOf(OPERATOR_DIRECTORY);

    const report = await rewrapProviderKeys({ ctx, keyring: during });
    expect(report).toEqual({
      masterKeyVersion: "v2",
      providerKeys: { rewrapped: 2, alreadyCurrent: 0, failed: [] },
      operatorKeys: { rewrapped: 1, alreadyCurrent: 0, failed: [] },
      playgroundTokens: { rewrapped: 1, alreadyCurrent: 0, failed: [] },
    });
    const [operatorRow] = await handle.db.select().from(operatorKeys).where(eq(operatorKeys.id, operatorKey.id));
    expect(decryptSecret(after, { ciphertext: operatorRow!.secret, masterKeyVersion: operatorRow!.masterKeyVersion }, operatorKeyAad("openai", "default"))).toBe(
      operatorSecret,
    );
    expect(await versionOf(OPERATOR_DIRECTORY)).toBe(operatorVersion + 1);

    for (const key of keys) {
      const row = await rowOf(key.id);
      expect(row.masterKeyVersion).toBe("v2");
      // Only the wrapped data key changed; without v1 the secret still opens.
      const secret = decryptSecret(after, { ciphertext: row.secret, masterKeyVersion: row.masterKeyVersion }, providerKeyAad(row.teamId, row.provider, row.alias));
      expect(secret).toBe(secrets[row.provider as keyof typeof secrets]);
    }
    const rewrapped = await rowOf(keys[0]!.id);
    expect(rewrapped.secret.split(".")[1]).toBe(original.secret.split(".")[1]);
    expect(rewrapped.secret.split(".")[0]).not.toBe(original.secret.split(".")[0]);
    expect(rewrapped.wrappedAt.getTime()).toBeGreaterThanOrEqual(original.wrappedAt.getTime());
    // Running gateways reload each team whose keys changed.
    expect([await versionOf(team.id), await versionOf(other.id)]).toEqual([versions[0]! + 1, versions[1]! + 1]);

    const [credential] = await handle.db.select().from(playgroundCredentials).where(eq(playgroundCredentials.teamId, team.id));
    expect(credential!.masterKeyVersion).toBe("v2");
    expect(decryptSecret(after, { ciphertext: credential!.secret, masterKeyVersion: "v2" }, playgroundSecretAad(team.id, userIdOf(member)))).toBe(
      playground.token,
    );

    const listed = await listProviderKeys({ ctx, teamId: team.id });
    expect(listed).toEqual([expect.objectContaining({ masterKeyVersion: "v2", wrappedAt: rewrapped.wrappedAt })]);

    const again = await rewrapProviderKeys({ ctx, keyring: during });
    expect(again).toEqual({
      masterKeyVersion: "v2",
      providerKeys: { rewrapped: 0, alreadyCurrent: 2, failed: [] },
      operatorKeys: { rewrapped: 0, alreadyCurrent: 1, failed: [] },
      playgroundTokens: { rewrapped: 0, alreadyCurrent: 1, failed: [] },
    });
    expect(await versionOf(team.id)).toBe(versions[0]! + 1);
    // The next test's keys start under v1 again.
    await handle.db.delete(providerKeys);
    await handle.db.delete(operatorKeys);
    await handle.db.delete(playgroundCredentials);
  });

  it("leaves a key whose master key is not configured as it was, and says so", async () => {
    const ctx = operatorOf(handle);
    const team = await newTeam(handle);
    const lost = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-proj-orphaned-0123456789", keyring: parseMasterKeys(v0) });
    const kept = await addProviderKey({ ctx, teamId: team.id, provider: "groq", secret: "gsk_kept_0123456789abcdef", keyring: before });
    const damaged = await addProviderKey({ ctx, teamId: team.id, provider: "mistral", secret: "mistral-0123456789abcdef", keyring: before });
    // A row moved to another alias no longer matches the data it was sealed with.
    await handle.db.update(providerKeys).set({ alias: "moved" }).where(eq(providerKeys.id, damaged.id));
    const untouched = await rowOf(lost.id);

    const report = await rewrapProviderKeys({ ctx, keyring: during });
    expect(report.providerKeys).toEqual({
      rewrapped: 1,
      alreadyCurrent: 0,
      failed: expect.arrayContaining([
        { teamId: team.id, id: lost.id, what: 'openai key "default"', reason: "master key v0 is not configured" },
        {
          teamId: team.id,
          id: damaged.id,
          what: 'mistral key "moved"',
          reason: "the wrapped data key does not open under its master key (wrong key or damaged row)",
        },
      ]),
    });
    expect(report.providerKeys.failed).toHaveLength(2);
    expect(await rowOf(lost.id)).toEqual(untouched);
    expect((await rowOf(kept.id)).masterKeyVersion).toBe("v2");
    expect(JSON.stringify(report)).not.toMatch(/sk-proj|gsk_|mistral-0/);
    await handle.db.delete(providerKeys);
  });

  it("loses no rotation that runs at the same time", async () => {
    const ctx = operatorOf(handle);
    const team = await newTeam(handle);
    const aliases = Array.from({ length: 30 }, (_, i) => `k${i}`);
    for (const alias of aliases) {
      await addProviderKey({ ctx, teamId: team.id, provider: "openai", alias, secret: `sk-proj-first-${alias}-0123456789`, keyring: before });
    }
    // Rotations by a server that only knows v1 race the rewrap (started first, they usually commit
    // between its read and its write); the last secret of each key must survive.
    const rotations = aliases.map((alias) =>
      rotateProviderKey({ ctx, teamId: team.id, key: { provider: "openai", alias }, secret: `sk-proj-second-${alias}-0123456789`, keyring: before }),
    );
    const [report] = await Promise.all([rewrapProviderKeys({ ctx, keyring: during }), ...rotations]);
    expect(report.providerKeys.failed).toEqual([]);
    for (const key of await handle.db.select().from(providerKeys).where(eq(providerKeys.teamId, team.id))) {
      const sealed = { ciphertext: key.secret, masterKeyVersion: key.masterKeyVersion };
      expect(decryptSecret(during, sealed, providerKeyAad(team.id, "openai", key.alias))).toBe(`sk-proj-second-${key.alias}-0123456789`);
    }
    // Whatever the rotations left under v1, a second run moves.
    await rewrapProviderKeys({ ctx, keyring: during });
    const versions = await handle.db.select({ v: providerKeys.masterKeyVersion }).from(providerKeys).where(eq(providerKeys.teamId, team.id));
    expect(new Set(versions.map((row) => row.v))).toEqual(new Set(["v2"]));
  });

  it("is for the operator only", async () => {
    const team = await newTeam(handle);
    const owner = await userContext(handle, { team, role: "owner" });
    await expect(rewrapProviderKeys({ ctx: owner, keyring: during })).rejects.toThrow(
      new ForbiddenError("only the operator can rewrap the deployment's keys"),
    );
  });
});
