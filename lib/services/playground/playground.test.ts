import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { gatewayTokens, playgroundCredentials, type Role } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/envelope";
import { hashGatewayToken } from "@/lib/crypto/gateway-token";
import { parseMasterKeys } from "@/lib/crypto/master-keys";
import { ForbiddenError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { addProviderKey } from "../provider-keys/add";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { playgroundOptions } from "./options";
import { getGatewayToken } from "../tokens/get";
import { listGatewayTokens } from "../tokens/list";
import { PLAYGROUND_TOKEN_TTL_MS, playgroundSecretAad, playgroundToken } from "./token";

const keyring = parseMasterKeys(`v1:${randomBytes(32).toString("base64")}`);

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

describe("playgroundToken", () => {
  it.each<[Role, boolean]>([
    ["owner", true],
    ["admin", true],
    ["member", true],
    ["viewer", false],
  ])("%s may get one: %s", async (role, allowed) => {
    const team = await newTeam(handle);
    const ctx = await userContext(handle, { team, role });
    const result = playgroundToken({ ctx, teamId: team.id, keyring });
    if (!allowed) {
      await expect(result).rejects.toThrow(
        new ForbiddenError(
          "Viewers can't send playground requests: they are billed to the team's provider keys. Ask an admin of the team for the member role.",
        ),
      );
      expect(await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.teamId, team.id))).toEqual([]);
      return;
    }
    const { token, tokenId } = await result;
    const [row] = await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, tokenId));
    // Only the hash is in the token table; the secret is stored encrypted, bound to the user and team.
    expect(row?.tokenHash).toBe(hashGatewayToken(token));
    expect(row?.name).toMatch(/^Playground · user_.*@example\.test$/);
    const [credential] = await handle.db.select().from(playgroundCredentials).where(eq(playgroundCredentials.tokenId, tokenId));
    expect(credential?.secret).not.toContain(token);
    const userId = ctx.actor.type === "user" ? ctx.actor.userId : "";
    const sealed = { ciphertext: credential?.secret ?? "", masterKeyVersion: credential?.masterKeyVersion ?? "" };
    expect(decryptSecret(keyring, sealed, playgroundSecretAad(team.id, userId))).toBe(token);
    expect(() => decryptSecret(keyring, sealed, playgroundSecretAad(team.id, "user_other"))).toThrow();
  });

  it("is refused in a team the user is not a member of, as if it did not exist", async () => {
    const [team, own] = [await newTeam(handle), await newTeam(handle)];
    const ctx = await userContext(handle, { team: own, role: "owner" });
    await expect(playgroundToken({ ctx, teamId: team.id, keyring })).rejects.toThrow(NotFoundError);
  });

  it("is for users only", async () => {
    const team = await newTeam(handle);
    await expect(playgroundToken({ ctx: operatorOf(handle), teamId: team.id, keyring })).rejects.toThrow(ForbiddenError);
  });

  it("gives each user of a team their own token, and the same one each time", async () => {
    const team = await newTeam(handle);
    const [a, b] = [await userContext(handle, { team, role: "member" }), await userContext(handle, { team, role: "member" })];
    const first = await playgroundToken({ ctx: a, teamId: team.id, keyring });
    expect(await playgroundToken({ ctx: a, teamId: team.id, keyring })).toEqual(first);
    const other = await playgroundToken({ ctx: b, teamId: team.id, keyring });
    expect(other.tokenId).not.toBe(first.tokenId);
  });

  it("expires 12 hours after its last use, and a used one is renewed", async () => {
    const team = await newTeam(handle);
    const ctx = await userContext(handle, { team, role: "member" });
    const before = Date.now();
    const { tokenId } = await playgroundToken({ ctx, teamId: team.id, keyring });
    const expiry = async () => (await handle.db.select().from(gatewayTokens).where(eq(gatewayTokens.id, tokenId)))[0]!.expiresAt!.getTime();
    expect(await expiry()).toBeGreaterThanOrEqual(before + PLAYGROUND_TOKEN_TTL_MS);
    expect(await expiry()).toBeLessThanOrEqual(Date.now() + PLAYGROUND_TOKEN_TTL_MS);
    // Two hours later it is used again: its expiry moves to 12 hours from then.
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000 + PLAYGROUND_TOKEN_TTL_MS);
    await handle.db.update(gatewayTokens).set({ expiresAt: twoHoursAgo }).where(eq(gatewayTokens.id, tokenId));
    const reused = Date.now();
    expect((await playgroundToken({ ctx, teamId: team.id, keyring })).tokenId).toBe(tokenId);
    expect(await expiry()).toBeGreaterThanOrEqual(reused + PLAYGROUND_TOKEN_TTL_MS);
    // Expired, it is replaced by a new one.
    await handle.db.update(gatewayTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(gatewayTokens.id, tokenId));
    expect((await playgroundToken({ ctx, teamId: team.id, keyring })).tokenId).not.toBe(tokenId);
  });

  it("is listed, marked as the playground's, for its owner only", async () => {
    const team = await newTeam(handle);
    const [owner, admin] = [await userContext(handle, { team, role: "member" }), await userContext(handle, { team, role: "admin" })];
    const { tokenId } = await playgroundToken({ ctx: owner, teamId: team.id, keyring });
    const own = await listGatewayTokens({ ctx: owner, teamId: team.id });
    expect(own.map((t) => [t.id, t.playground])).toEqual([[tokenId, true]]);
    expect(await listGatewayTokens({ ctx: admin, teamId: team.id })).toEqual([]);
    expect(await listGatewayTokens({ ctx: operatorOf(handle), teamId: team.id })).toEqual([]);
    await expect(getGatewayToken({ ctx: admin, teamId: team.id, tokenId })).rejects.toThrow(NotFoundError);
    expect((await getGatewayToken({ ctx: owner, teamId: team.id, tokenId })).playground).toBe(true);
  });
});

describe("playgroundOptions", () => {
  it("lists each gateway with the providers its stored default keys reach, and their catalog models", async () => {
    const team = await newTeam(handle);
    const op = operatorOf(handle);
    for (const slug of ["main", "edge", "byok"]) {
      await createGateway({ ctx: op, teamId: team.id, slug, settings: slug === "byok" ? { byokOnly: true } : {} });
    }
    await addProviderKey({ ctx: op, teamId: team.id, provider: "openai", secret: "sk-team-wide-0123456789", keyring });
    await addProviderKey({ ctx: op, teamId: team.id, provider: "groq", secret: "gsk-edge-only-0123456789", gatewaySlug: "edge", keyring });
    await addProviderKey({ ctx: op, teamId: team.id, provider: "anthropic", secret: "sk-ant-0123456789abc", gatewaySlug: "main", keyring });
    await addProviderKey({ ctx: op, teamId: team.id, provider: "google-ai-studio", secret: "AIza-0123456789abcdef", gatewaySlug: "main", keyring });
    // Only a request naming the alias uses it, and the playground names none.
    await addProviderKey({ ctx: op, teamId: team.id, provider: "mistral", alias: "backup", secret: "mistral-0123456789abc", keyring });
    // Speech and images: nothing to chat with.
    await addProviderKey({ ctx: op, teamId: team.id, provider: "deepgram", secret: "dg-0123456789abcdef", keyring });

    const ctx = await userContext(handle, { team, role: "member" });
    const options = await playgroundOptions({ ctx, teamId: team.id });
    expect(options.refusal).toBeUndefined();
    expect(options.gateways).toEqual([
      { slug: "byok", byokOnly: true, providers: [] },
      { slug: "edge", byokOnly: false, providers: ["groq", "openai"] },
      { slug: "main", byokOnly: false, providers: ["anthropic", "google-ai-studio", "openai"] },
    ]);
    expect(Object.keys(options.models).sort()).toEqual(["anthropic", "google-ai-studio", "groq", "openai"]);
    expect(options.models.openai).toContain("openai/gpt-4o-mini");
    expect(options.models.openai?.every((id) => id.startsWith("openai/"))).toBe(true);
    expect(options.models.anthropic).toContain("anthropic/claude-sonnet-4-5");
    expect(options.models["google-ai-studio"]).toContain("google-ai-studio/gemini-2.5-flash");
    // A chat picker offers no embedding model.
    expect(options.models.openai).not.toContain("openai/text-embedding-3-small");
    expect(options.models["google-ai-studio"]).not.toContain("google-ai-studio/gemini-embedding-001");
  });

  it("offers Workers AI's @cf chat models, without its embedding models", async () => {
    const team = await newTeam(handle);
    const op = operatorOf(handle);
    await createGateway({ ctx: op, teamId: team.id, slug: "main" });
    const secret = JSON.stringify({ accountId: "0123456789abcdef0123456789abcdef", apiToken: "cf-token-0123456789" });
    const baseUrl = "https://api.cloudflare.com/client/v4/accounts/0123456789abcdef0123456789abcdef/ai";
    await addProviderKey({ ctx: op, teamId: team.id, provider: "workers-ai", secret, baseUrl, keyring });

    const options = await playgroundOptions({ ctx: await userContext(handle, { team, role: "member" }), teamId: team.id });
    expect(options.gateways).toEqual([{ slug: "main", byokOnly: false, providers: ["workers-ai"] }]);
    expect(options.models["workers-ai"]).toContain("workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    expect(options.models["workers-ai"]).not.toContain("workers-ai/@cf/baai/bge-m3");
  });

  it("shows viewers the options with the reason they cannot send", async () => {
    const team = await newTeam(handle);
    await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "main" });
    const ctx = await userContext(handle, { team, role: "viewer" });
    const options = await playgroundOptions({ ctx, teamId: team.id });
    expect(options.gateways.map((g) => g.slug)).toEqual(["main"]);
    expect(options.refusal).toMatch(/^Viewers can't send playground requests/);
  });

  it("refuses non-members as if the team did not exist", async () => {
    const team = await newTeam(handle);
    const ctx = await userContext(handle);
    await expect(playgroundOptions({ ctx, teamId: team.id })).rejects.toThrow(NotFoundError);
  });
});
