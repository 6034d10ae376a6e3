import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { providerKeys } from "@/db/schema";
import { decryptSecret, providerKeyAad } from "@/lib/crypto/envelope";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { createCustomProvider } from "../custom-providers/create";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { addProviderKey } from "./add";
import { listProviderKeyPools, listProviderKeys } from "./list";
import { removeProviderKey } from "./remove";
import { rotateProviderKey } from "./rotate";
import { secretPreview } from "./view";
import { setProviderKeyWeight } from "./weight";

const keyring = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);
const SECRET = "sk-proj-0123456789abcdefWXYZ";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

async function storedRow(id: string) {
  const [row] = await handle.db.select().from(providerKeys).where(eq(providerKeys.id, id));
  return row!;
}

describe("addProviderKey", () => {
  it("stores the secret encrypted, bound to its team, provider and alias", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const view = await addProviderKey({ ctx: operatorOf(handle), teamId: team.id, provider: "openai", secret: SECRET, keyring });
    expect(view).toMatchObject({ provider: "openai", alias: "default", gatewaySlug: null, secretStart: "sk-p", secretLast4: "WXYZ" });
    expect(JSON.stringify(view)).not.toContain(SECRET);

    const row = await storedRow(view.id);
    expect(row.secret).not.toContain(SECRET);
    const sealed = { ciphertext: row.secret, masterKeyVersion: row.masterKeyVersion };
    expect(decryptSecret(keyring, sealed, providerKeyAad(team.id, "openai", "default"))).toBe(SECRET);
    expect(() => decryptSecret(keyring, sealed, providerKeyAad(other.id, "openai", "default"))).toThrow();
    expect(() => decryptSecret(keyring, sealed, providerKeyAad(team.id, "openai", "backup"))).toThrow();
  });

  it("shows nothing of a short secret", async () => {
    const team = await newTeam(handle);
    const view = await addProviderKey({ ctx: operatorOf(handle), teamId: team.id, provider: "groq", secret: "short-key", keyring });
    expect(view).toMatchObject({ secretStart: "", secretLast4: "", preview: "" });
  });

  it("shows a structured key by what identifies it, and a rotated one likewise", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const apiToken = "cf-api-token-0123456789-SECRETPART";
    const accountId = "0123456789abcdef0123456789abcdef";
    const view = await addProviderKey({
      ctx,
      teamId: team.id,
      provider: "workers-ai",
      secret: JSON.stringify({ accountId, apiToken }),
      baseUrl: "https://api.cloudflare.com/client/v4/accounts/x/ai",
      keyring,
    });
    expect(view).toMatchObject({ preview: `account ${accountId} · …PART`, secretLast4: "" });
    expect(JSON.stringify(await listProviderKeys({ ctx, teamId: team.id }))).not.toContain("SECRETPART");

    const rotated = await rotateProviderKey({ ctx, teamId: team.id, key: { id: view.id }, secret: JSON.stringify({ accountId: "feed", apiToken }), keyring });
    expect(rotated.preview).toBe("account feed · …PART");
    const plain = await rotateProviderKey({ ctx, teamId: team.id, key: { id: view.id }, secret: "plain-cloudflare-token-WXYZ", keyring });
    expect(plain.preview).toBe("plai…WXYZ");
  });

  it("refuses a second key for the same provider, alias and gateway unless it joins their pool, and says so", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring })).rejects.toThrow(
      new ConflictError(
        'the openai key "default" for the whole team already exists; rotate or remove it, ' +
          "add this one to its pool (the form's \"Add to the pool\", the CLI's --pool), or pick another alias",
      ),
    );
    const forGateway = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, gatewaySlug: "prod", keyring });
    expect(forGateway.gatewaySlug).toBe("prod");
    await expect(
      addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, gatewaySlug: "prod", keyring }),
    ).rejects.toThrow(ConflictError);
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, alias: "backup", keyring })).resolves.toBeDefined();
  });

  it("says what is wrong with the input", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: " ", baseUrl: "ftp://x", keyring })).rejects.toThrow(
      new InvalidInputError("secret: must not be empty; baseUrl: must be an http:// or https:// URL"),
    );
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "nope", secret: SECRET, keyring })).rejects.toThrow(
      /^provider: unknown provider "nope"; use one of openai, .*, or custom-\{slug\} for a custom provider of the team$/,
    );
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "workers-ai", secret: SECRET, keyring })).rejects.toThrow(
      "baseUrl: Cloudflare Workers AI keys need a base URL, like https://api.cloudflare.com/client/v4/accounts/{account_id}/ai",
    );
    await expect(
      addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, alias: "a:b", keyring }),
    ).rejects.toThrow("alias: use 1–64 letters, digits, hyphens and underscores");
  });

  it("accepts a custom provider of the team only", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const ctx = operatorOf(handle);
    await createCustomProvider({ ctx, teamId: other.id, slug: "llama", baseUrl: "http://10.0.0.5:8000/v1", allowPrivateUpstreams: true });
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "custom-llama", secret: SECRET, keyring })).rejects.toThrow(
      new NotFoundError('custom provider "custom-llama" not found'),
    );
    await createCustomProvider({ ctx, teamId: team.id, slug: "llama", baseUrl: "http://10.0.0.6:8000/v1", allowPrivateUpstreams: true });
    await expect(addProviderKey({ ctx, teamId: team.id, provider: "custom-llama", secret: SECRET, keyring })).resolves.toMatchObject({
      provider: "custom-llama",
    });
  });

  it("refuses a gateway of another team", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    await createGateway({ ctx: operatorOf(handle), teamId: other.id, slug: "theirs" });
    await expect(
      addProviderKey({ ctx: operatorOf(handle), teamId: team.id, provider: "openai", secret: SECRET, gatewaySlug: "theirs", keyring }),
    ).rejects.toThrow(new NotFoundError('gateway "theirs" not found'));
  });

  it("needs admin of the team", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });
    await expect(addProviderKey({ ctx: admin, teamId: team.id, provider: "openai", secret: SECRET, keyring })).resolves.toBeDefined();
    await expect(addProviderKey({ ctx: member, teamId: team.id, provider: "groq", secret: SECRET, keyring })).rejects.toThrow(ForbiddenError);
    await expect(addProviderKey({ ctx: admin, teamId: other.id, provider: "openai", secret: SECRET, keyring })).rejects.toThrow(NotFoundError);
  });
});

describe("a key's base URL", () => {
  // Every spelling of a non-public upstream the gateway refuses to connect to, as an operator would type it.
  const nonPublic = [
    ["http://127.0.0.1:11434/v1", "host 127.0.0.1 is a non-public address (loopback)"],
    ["http://localhost:8000/v1", "host localhost resolves to a non-public address (loopback)"],
    ["http://2130706433/v1", "host 127.0.0.1 is a non-public address (loopback)"],
    ["http://0177.0.0.1/v1", "host 127.0.0.1 is a non-public address (loopback)"],
    ["http://0x7f.1/v1", "host 127.0.0.1 is a non-public address (loopback)"],
    ["http://10.0.0.5:8000/v1", "host 10.0.0.5 is a non-public address (private)"],
    ["http://169.254.169.254/latest", "host 169.254.169.254 is a non-public address (linkLocal)"],
    ["http://100.64.0.1/v1", "host 100.64.0.1 is a non-public address (carrierGradeNat)"],
    ["http://198.18.0.1/v1", "host 198.18.0.1 is a non-public address (reserved)"],
    ["http://224.0.0.1/v1", "host 224.0.0.1 is a non-public address (multicast)"],
    ["http://255.255.255.255/v1", "host 255.255.255.255 is a non-public address (broadcast)"],
    ["http://0.0.0.0:8000/v1", "host 0.0.0.0 is a non-public address (unspecified)"],
    ["http://[::1]:8000/v1", "host [::1] is a non-public address (loopback)"],
    ["http://[fd00::1]/v1", "host [fd00::1] is a non-public address (uniqueLocal)"],
    ["http://[fec0::1]/v1", "host [fec0::1] is a non-public address (deprecatedSiteLocal)"],
    ["http://[::ffff:127.0.0.1]/v1", "host [::ffff:7f00:1] is a non-public address (IPv4-mapped form of a loopback IPv4 address)"],
    ["http://[::ffff:0:127.0.0.1]/v1", "host [::ffff:0:7f00:1] is a non-public address (rfc6145)"],
    ["http://[::127.0.0.1]/v1", "host [::7f00:1] is a non-public address (IPv4-compatible ::a.b.c.d, deprecated)"],
    ["http://[64:ff9b::10.0.0.1]/v1", "host [64:ff9b::a00:1] is a non-public address (NAT64 form of a private IPv4 address)"],
    ["http://[2002:7f00:1::1]/v1", "host [2002:7f00:1::1] is a non-public address (6to4 form of a loopback IPv4 address)"],
  ] as const;

  it.each(nonPublic)("refuses %s when it is saved: %s", async (baseUrl, refusal) => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await expect(
      addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, baseUrl, keyring, allowPrivateUpstreams: false }),
    ).rejects.toThrow(
      new InvalidInputError(
        `baseUrl: ${refusal}, and Switchyard sends requests only to public addresses (the operator can allow private upstreams with SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS=true)`,
      ),
    );
    expect(await listProviderKeys({ ctx, teamId: team.id })).toEqual([]);
  });

  it("accepts them where the deployment allows private upstreams", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    for (const [index, [baseUrl]] of nonPublic.entries()) {
      const alias = `local-${index}`;
      await expect(
        addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, alias, baseUrl, keyring, allowPrivateUpstreams: true }),
      ).resolves.toMatchObject({ alias });
    }
  });

  it("accepts public addresses, and names DNS cannot answer for, which the gateway checks when it connects", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    for (const [alias, baseUrl] of [
      ["v4", "http://8.8.8.8/v1"],
      ["v6", "https://[2606:4700::1111]/v1"],
      ["nat64", "http://[64:ff9b::8.8.8.8]/v1"],
      ["unresolvable", "https://models.example.invalid/v1"],
    ]) {
      await expect(
        addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, alias, baseUrl, keyring, allowPrivateUpstreams: false }),
      ).resolves.toMatchObject({ alias, baseUrl });
    }
  });

  it("is checked only for an admin, so nobody else learns what a host resolves to", async () => {
    const team = await newTeam(handle);
    const member = await userContext(handle, { team, role: "member" });
    await expect(
      addProviderKey({ ctx: member, teamId: team.id, provider: "openai", secret: SECRET, baseUrl: "http://localhost/v1", keyring, allowPrivateUpstreams: false }),
    ).rejects.toThrow(ForbiddenError);
  });
});

describe("secretPreview", () => {
  it("is the first and last four characters of a plain key", () => {
    expect(secretPreview("openai", SECRET)).toEqual({ secretStart: "sk-p", secretLast4: "WXYZ" });
  });

  it("describes a JSON credential without the ends of its text, which could be a secret's", () => {
    const secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const bedrock = JSON.stringify({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey, region: "us-east-1" });
    expect(secretPreview("aws-bedrock", bedrock)).toEqual({ secretStart: "key …MPLE · us-east-1", secretLast4: "" });
    expect(secretPreview("aws-bedrock", `{"secretAccessKey":"${secretAccessKey}"`)).toEqual({ secretStart: "", secretLast4: "" });
    const vertex = JSON.stringify({ type: "service_account", private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n", client_email: "sa@p.iam.gserviceaccount.com", region: "global" });
    expect(secretPreview("google-vertex-ai", vertex)).toEqual({ secretStart: "sa@p.iam.gserviceaccount.com · global", secretLast4: "" });
  });
});

describe("key pools", () => {
  it("adds keys to an alias's pool with their weights, and lists them grouped, flagging a rejected key", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const first = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    const second = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-proj-second-key-000022", pool: true, weight: 3, keyring });
    const third = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-proj-third-key-0000033", pool: true, keyring });
    const own = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, gatewaySlug: "prod", keyring });
    expect([first.weight, second.weight, third.weight]).toEqual([1, 3, 1]);
    await handle.db.update(providerKeys).set({ lastStatus: "rejected" }).where(eq(providerKeys.id, third.id));

    const viewer = await userContext(handle, { team, role: "viewer" });
    const pools = await listProviderKeyPools({ ctx: viewer, teamId: team.id });
    expect(pools.map((pool) => ({ ...pool, keys: pool.keys.map((key) => [key.id, key.weight, key.lastStatus]) }))).toEqual([
      {
        provider: "openai",
        alias: "default",
        gatewaySlug: null,
        activeKeys: 2,
        keys: [
          [first.id, 1, null],
          [second.id, 3, null],
          [third.id, 1, "rejected"],
        ],
      },
      { provider: "openai", alias: "default", gatewaySlug: "prod", activeKeys: 1, keys: [[own.id, 1, null]] },
    ]);
    expect(JSON.stringify(pools)).not.toContain(SECRET);
  });

  it("refuses a weight out of range, on add and on change", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    for (const weight of [0, 1.5, 1001]) {
      await expect(addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, pool: true, weight, keyring })).rejects.toThrow(
        new InvalidInputError("weight: must be a whole number from 1 to 1000"),
      );
    }
    const key = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    await expect(setProviderKeyWeight({ ctx, teamId: team.id, key: { id: key.id }, weight: -1 })).rejects.toThrow(
      new InvalidInputError("weight: must be a whole number from 1 to 1000"),
    );
  });

  it("changes one key's weight, for an admin only", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const key = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    const member = await userContext(handle, { team, role: "member" });
    await expect(setProviderKeyWeight({ ctx: member, teamId: team.id, key: { id: key.id }, weight: 5 })).rejects.toThrow(ForbiddenError);
    expect(await setProviderKeyWeight({ ctx, teamId: team.id, key: { id: key.id }, weight: 5 })).toMatchObject({ id: key.id, weight: 5 });
    expect((await storedRow(key.id)).weight).toBe(5);
  });

  it("rotates and removes one key of a pool by id, and refuses to guess one by its alias", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const first = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    const second = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: "sk-proj-second-key-000022", pool: true, keyring });
    const ambiguous = new InvalidInputError(
      `the openai key "default" for the whole team is a pool of 2 keys; name one by its id: ${first.id}, ${second.id}`,
    );
    await expect(rotateProviderKey({ ctx, teamId: team.id, key: { provider: "openai" }, secret: SECRET, keyring })).rejects.toThrow(ambiguous);
    await expect(removeProviderKey({ ctx, teamId: team.id, key: { provider: "openai" } })).rejects.toThrow(ambiguous);
    await expect(setProviderKeyWeight({ ctx, teamId: team.id, key: { provider: "openai" }, weight: 2 })).rejects.toThrow(ambiguous);

    // The CLI names the provider beside the id, to read the secret's fields: they must agree.
    await expect(rotateProviderKey({ ctx, teamId: team.id, key: { id: second.id, provider: "groq" }, secret: SECRET, keyring })).rejects.toThrow(
      new NotFoundError(`no groq key ${second.id}`),
    );
    const rotated = await rotateProviderKey({ ctx, teamId: team.id, key: { id: second.id, provider: "openai" }, secret: "sk-proj-rotated-key-00ABCD", keyring });
    expect(rotated).toMatchObject({ id: second.id, secretLast4: "ABCD" });
    expect((await storedRow(first.id)).secretLast4).toBe("WXYZ");
    // Every key of a pool is sealed under the same binding, so any of them decrypts where the pool is used.
    const row = await storedRow(second.id);
    expect(decryptSecret(keyring, { ciphertext: row.secret, masterKeyVersion: row.masterKeyVersion }, providerKeyAad(team.id, "openai", "default"))).toBe(
      "sk-proj-rotated-key-00ABCD",
    );

    expect(await removeProviderKey({ ctx, teamId: team.id, key: { id: first.id } })).toMatchObject({ id: first.id });
    // One key left: the alias names it again.
    expect(await removeProviderKey({ ctx, teamId: team.id, key: { provider: "openai" } })).toMatchObject({ id: second.id });
  });

  it("lets only one of two concurrent adds to a free alias through without --pool", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const results = await Promise.allSettled([
      addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring }),
      addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await listProviderKeys({ ctx, teamId: team.id })).toHaveLength(1);
  });
});

describe("listing, rotating and removing keys", () => {
  it("lists the team's keys for a viewer without any secret", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, gatewaySlug: "prod", keyring });
    await addProviderKey({ ctx, teamId: team.id, provider: "groq", secret: SECRET, baseUrl: "https://groq.example.com/v1/", keyring });
    await addProviderKey({ ctx, teamId: other.id, provider: "mistral", secret: SECRET, keyring });
    const viewer = await userContext(handle, { team, role: "viewer" });

    const keys = await listProviderKeys({ ctx: viewer, teamId: team.id });
    expect(keys.map((k) => [k.provider, k.gatewaySlug, k.baseUrl])).toEqual([
      ["groq", null, "https://groq.example.com/v1"],
      ["openai", "prod", null],
    ]);
    expect(JSON.stringify(keys)).not.toContain(SECRET);
    for (const key of keys) expect(key).not.toHaveProperty("secret");
    await expect(listProviderKeys({ ctx: viewer, teamId: other.id })).rejects.toThrow(NotFoundError);
  });

  it("rotates a secret under the same binding and forgets the last status", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    const added = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, alias: "main", keyring });
    await handle.db.update(providerKeys).set({ lastStatus: "rejected" }).where(eq(providerKeys.id, added.id));

    const fresh = "sk-proj-fedcba9876543210ABCD";
    const rotated = await rotateProviderKey({ ctx, teamId: team.id, key: { provider: "openai", alias: "main" }, secret: fresh, keyring });
    expect(rotated).toMatchObject({ id: added.id, secretLast4: "ABCD", lastStatus: null });
    const row = await storedRow(added.id);
    const sealed = { ciphertext: row.secret, masterKeyVersion: row.masterKeyVersion };
    expect(decryptSecret(keyring, sealed, providerKeyAad(team.id, "openai", "main"))).toBe(fresh);
  });

  it("removes a key by provider and alias or by id, within the team only", async () => {
    const [team, other] = [await newTeam(handle), await newTeam(handle)];
    const ctx = operatorOf(handle);
    const theirs = await addProviderKey({ ctx, teamId: other.id, provider: "openai", secret: SECRET, keyring });
    const first = await addProviderKey({ ctx, teamId: team.id, provider: "openai", secret: SECRET, keyring });
    const second = await addProviderKey({ ctx, teamId: team.id, provider: "groq", secret: SECRET, keyring });
    const admin = await userContext(handle, { team, role: "admin" });
    const member = await userContext(handle, { team, role: "member" });

    await expect(removeProviderKey({ ctx: member, teamId: team.id, key: { id: first.id } })).rejects.toThrow(ForbiddenError);
    await expect(removeProviderKey({ ctx: admin, teamId: team.id, key: { id: theirs.id } })).rejects.toThrow(
      new NotFoundError(`provider key ${theirs.id} not found`),
    );
    expect(await removeProviderKey({ ctx: admin, teamId: team.id, key: { provider: "openai" } })).toMatchObject({ id: first.id });
    expect(await removeProviderKey({ ctx: admin, teamId: team.id, key: { id: second.id } })).toMatchObject({ id: second.id });
    await expect(removeProviderKey({ ctx: admin, teamId: team.id, key: { provider: "openai" } })).rejects.toThrow(
      new NotFoundError('no openai key "default" for the whole team'),
    );
    expect(await storedRow(theirs.id)).toBeDefined();
  });
});
