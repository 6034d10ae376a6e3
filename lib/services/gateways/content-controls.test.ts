import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { directoryVersions } from "@/db/schema";
import { ForbiddenError, InvalidInputError } from "../errors";
import { newTeam, openTestDatabase, operatorOf, userContext } from "../test-helpers";
import { createGateway } from "./create";
import { getGateway } from "./get";
import { updateGateway } from "./update";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(() => handle.close());

async function directoryVersion(teamId: string): Promise<number> {
  const [row] = await handle.db.select().from(directoryVersions).where(eq(directoryVersions.teamId, teamId));
  return Number(row?.version ?? 0);
}

describe("guardrails", () => {
  it("are set in Cloudflare's shape (the evaluator defaulting to Cloudflare's Llama Guard), read back normalized, and turned off with null", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { cacheTtl: 60 } });
    const before = await directoryVersion(team.id);

    const set = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { guardrails: { prompt: { S1: "BLOCK", P1: "FLAG" }, response: { S12: "FLAG" } } } });
    expect(set).toMatchObject({
      cacheTtl: 60,
      guardrails: { prompt: { S1: "BLOCK", P1: "FLAG" }, response: { S12: "FLAG" }, evaluator: { kind: "llama-guard", model: "workers-ai/@cf/meta/llama-guard-3-8b" } },
    });
    // Running gateways learn of it through the directory's change feed.
    expect(await directoryVersion(team.id)).toBeGreaterThan(before);

    const moderation = await updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: { guardrails: { prompt: { S10: "BLOCK" }, evaluator: { kind: "openai-moderation" } } },
    });
    expect(moderation.guardrails).toEqual({ prompt: { S10: "BLOCK" }, response: {}, evaluator: { kind: "openai-moderation" } });

    const off = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { guardrails: null } });
    expect(off).toMatchObject({ guardrails: null, cacheTtl: 60 });
  });

  it("refuses an unknown category, a bad action and an evaluator model on an unknown provider, naming each, and keeps what was set", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { guardrails: { prompt: { S1: "FLAG" } } } });
    const attempt = updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: { guardrails: { prompt: { S99: "BLOCK" }, response: { S1: "DROP" }, evaluator: { kind: "llama-guard", model: "nowhere/llama-guard" } } },
    });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain('guardrails.prompt.S99: unknown category "S99"');
    expect(message).toContain("guardrails.response.S1: must be FLAG or BLOCK");
    expect(message).toContain('guardrails.evaluator.model: unknown provider "nowhere"');
    expect((await getGateway({ ctx, teamId: team.id, slug: "prod" })).guardrails).toMatchObject({ prompt: { S1: "FLAG" } });
  });

  it("need an admin", async () => {
    const team = await newTeam(handle);
    await createGateway({ ctx: operatorOf(handle), teamId: team.id, slug: "prod" });
    const member = await userContext(handle, { team, role: "member" });
    await expect(updateGateway({ ctx: member, teamId: team.id, slug: "prod", settings: { guardrails: { prompt: { S1: "BLOCK" } } } })).rejects.toThrow(ForbiddenError);
  });
});

describe("DLP", () => {
  it("reads Cloudflare's single-policy shape into one policy on both checks, and ours as it is", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const cloudflare = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { dlp: { enabled: true, action: "BLOCK", profiles: ["credit_card"] } } });
    expect(cloudflare.dlp).toEqual({
      enabled: true,
      policies: [{ id: "default", enabled: true, profiles: ["credit_card"], actions: { REQUEST: "BLOCK", RESPONSE: "BLOCK" } }],
      customProfiles: [],
      headerSelectsPolicies: false,
    });

    const ours = {
      enabled: true,
      policies: [
        { id: "pii", enabled: true, profiles: ["email", "codes"], actions: { REQUEST: "REDACT" as const } },
        { id: "keys", enabled: false, profiles: ["secrets"], actions: { REQUEST: "BLOCK" as const, RESPONSE: "FLAG" as const } },
      ],
      customProfiles: [
        { id: "codes", name: "Project codes", patterns: [{ id: "code", regex: "project-\\d{4}" }], keywords: [{ id: "names", words: ["Bluebird"], caseSensitive: true }] },
      ],
      headerSelectsPolicies: true,
    };
    const saved = await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { dlp: ours } });
    expect(saved.dlp).toEqual(ours);
    // What the dashboard's editor reads back saves unchanged.
    expect((await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { dlp: saved.dlp } })).dlp).toEqual(ours);

    expect((await updateGateway({ ctx, teamId: team.id, slug: "prod", settings: { dlp: null } })).dlp).toBeNull();
  });

  it("refuses a pattern RE2 cannot run and a policy naming an unknown profile, naming the field, and keeps what was set", async () => {
    const team = await newTeam(handle);
    const ctx = operatorOf(handle);
    await createGateway({ ctx, teamId: team.id, slug: "prod", settings: { dlp: { enabled: true, action: "FLAG", profiles: ["email"] } } });
    const attempt = updateGateway({
      ctx,
      teamId: team.id,
      slug: "prod",
      settings: {
        dlp: {
          enabled: true,
          policies: [{ id: "pii", enabled: true, profiles: ["nope"], actions: { REQUEST: "REDACT" } }],
          customProfiles: [{ id: "codes", name: "Codes", patterns: [{ id: "after", regex: "(?<=project-)\\d+" }, { id: "again", regex: "(a)\\1" }], keywords: [] }],
          headerSelectsPolicies: false,
        },
      },
    });
    const message = await attempt.then(
      () => "",
      (error: unknown) => (error instanceof InvalidInputError ? error.message : String(error)),
    );
    expect(message).toContain("dlp.customProfiles.0.patterns.0.regex: RE2 cannot run this pattern: lookbehind");
    expect(message).toMatch(/dlp\.customProfiles\.0\.patterns\.1\.regex: RE2 cannot run this pattern: /);
    expect(message).toContain('dlp.policies.0.profiles.0: unknown profile "nope"');
    expect((await getGateway({ ctx, teamId: team.id, slug: "prod" })).dlp?.policies).toMatchObject([{ id: "default", profiles: ["email"] }]);
  });
});
