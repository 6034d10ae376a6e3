import { expect, it } from "vitest";
import { counterKey, spendLimitRules } from "@/lib/limits/rules";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { describeEachDatabase } from "@/tests/support/harness";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { getGateway } from "../gateways/get";
import { newTeam, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "../tokens/create";
import { getGatewayToken } from "../tokens/get";
import { removeTokenRateLimit, setTokenRateLimit } from "../tokens/rate-limits";
import { removeGatewayRateLimit, setGatewayRateLimit } from "./rate-limits";
import { enableSpendLimits, removeSpendLimitRule, setSpendLimitRule } from "./spend-limits";
import { gatewaySpendLimitSpend } from "./spend";

describeEachDatabase("limit services", (database) => {
  async function gatewayOfNewTeam() {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    return { team, ctx };
  }

  it("adds, replaces and removes a gateway's rate-limit rules, with defaults for technique and counts", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "per-user", limit: 10, window: 60, key: "metadata.user_id" } });
    await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "tokens", limit: 5000, window: 3600, counts: "tokens", technique: "sliding" } });
    const replaced = await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "per-user", limit: 20, window: 60, key: "metadata.user_id" } });
    expect(replaced.rateLimits).toEqual([
      { id: "per-user", limit: 20, window: 60, technique: "fixed", counts: "requests", key: "metadata.user_id" },
      { id: "tokens", limit: 5000, window: 3600, technique: "sliding", counts: "tokens" },
    ]);
    const removed = await removeGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", ruleId: "per-user" });
    expect(removed.rateLimits.map((r) => r.id)).toEqual(["tokens"]);
    await expect(removeGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", ruleId: "per-user" })).rejects.toThrow(
      new NotFoundError('gateway "prod" has no rule "per-user"'),
    );
  });

  it("names each bad field of a rate-limit rule", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    await expect(
      setGatewayRateLimit({
        ctx,
        teamId: team.id,
        gatewaySlug: "prod",
        rule: { id: "Per User", limit: 0, window: 10 ** 9, technique: "leaky" as "fixed", counts: "bytes" as "tokens", key: "metadata.cf.user" as "token" },
      }),
    ).rejects.toThrow(
      new InvalidInputError(
        "id: use 1–64 lowercase letters, digits, - and _; limit: must be a whole number from 1 to 2147483647; " +
          "window: must be a whole number from 1 to 2592000; technique: must be fixed or sliding; counts: must be requests or tokens; " +
          'key: metadata key "cf.user" starts with "cf.", which is reserved for the gateway\'s own keys',
      ),
    );
    await expect(
      setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "x", limit: 1, window: 1, key: "user" as "token" } }),
    ).rejects.toThrow(new InvalidInputError('key: must be "token", "model", "provider" or "metadata.<key>"'));
  });

  it("keeps at most 20 rules", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    for (let i = 0; i < 20; i++) await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: `r${i}`, limit: 1, window: 60 } });
    await expect(setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "r20", limit: 1, window: 60 } })).rejects.toThrow(
      new InvalidInputError('gateway "prod" has 20 rules already, the most it may have; remove one first'),
    );
    // Replacing one of them is no new rule.
    await expect(setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "r3", limit: 2, window: 60 } })).resolves.toBeDefined();
  });

  it("gives a token rate limits of its own", async () => {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    const { record } = await createGatewayToken({ ctx, teamId: team.id, name: "ci" });
    const view = await setTokenRateLimit({ ctx, teamId: team.id, tokenId: record.id, rule: { id: "rpm", limit: 2, window: 60 } });
    expect(view.rateLimits).toEqual([{ id: "rpm", limit: 2, window: 60, technique: "fixed", counts: "requests" }]);
    expect((await getGatewayToken({ ctx, teamId: team.id, tokenId: record.id })).rateLimits).toHaveLength(1);
    expect((await removeTokenRateLimit({ ctx, teamId: team.id, tokenId: record.id, ruleId: "rpm" })).rateLimits).toEqual([]);
    const other = await newTeam(database());
    await expect(setTokenRateLimit({ ctx, teamId: other.id, tokenId: record.id, rule: { id: "rpm", limit: 2, window: 60 } })).rejects.toThrow(
      new NotFoundError(`token ${record.id} not found`),
    );
  });

  it("needs admin to change limits, and viewer to read spend", async () => {
    const { team } = await gatewayOfNewTeam();
    const member = await userContext(database(), { team, role: "member" });
    await expect(setGatewayRateLimit({ ctx: member, teamId: team.id, gatewaySlug: "prod", rule: { id: "a", limit: 1, window: 1 } })).rejects.toThrow(ForbiddenError);
    await expect(setSpendLimitRule({ ctx: member, teamId: team.id, gatewaySlug: "prod", rule: { id: "a", limit: 1, window: 60 } })).rejects.toThrow(ForbiddenError);
    const viewer = await userContext(database(), { team, role: "viewer" });
    await expect(gatewaySpendLimitSpend({ ctx: viewer, teamId: team.id, gatewaySlug: "prod" })).resolves.toEqual([]);
    const stranger = await userContext(database());
    await expect(gatewaySpendLimitSpend({ ctx: stranger, teamId: team.id, gatewaySlug: "prod" })).rejects.toThrow(NotFoundError);
  });

  it("sets Cloudflare's spend-limit rules with partition and filter dimensions, and turns them off and on", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    const gateway = await setSpendLimitRule({
      ctx,
      teamId: team.id,
      gatewaySlug: "prod",
      rule: {
        id: "per-user",
        limit: 0.5,
        window: 3600,
        metadata: { user_id: { mode: "partition" }, env: { mode: "filter", values: ["prod"] } },
        model: { mode: "filter", values: ["openai/gpt-4o-mini"] },
      },
    });
    expect(gateway.spendLimits).toEqual({
      enabled: true,
      rules: [
        {
          id: "per-user",
          enabled: true,
          limitType: "cost",
          limit: 0.5,
          window: 3600,
          technique: "sliding",
          metadata: { user_id: { mode: "partition" }, env: { mode: "filter", values: ["prod"] } },
          model: { mode: "filter", values: ["openai/gpt-4o-mini"] },
        },
      ],
    });
    expect((await enableSpendLimits({ ctx, teamId: team.id, gatewaySlug: "prod", enabled: false })).spendLimits).toMatchObject({ enabled: false, rules: [{ id: "per-user" }] });
    await enableSpendLimits({ ctx, teamId: team.id, gatewaySlug: "prod", enabled: true });
    expect((await removeSpendLimitRule({ ctx, teamId: team.id, gatewaySlug: "prod", ruleId: "per-user" })).spendLimits).toEqual({ enabled: true, rules: [] });
  });

  it("names each bad field of a spend-limit rule", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    await expect(
      setSpendLimitRule({
        ctx,
        teamId: team.id,
        gatewaySlug: "prod",
        rule: { id: "x", limit: -1, window: 0, model: { mode: "filter", values: [] }, provider: { mode: "split" } as never, metadata: { "cf.user": { mode: "partition" } } },
      }),
    ).rejects.toThrow(
      new InvalidInputError(
        "limit: must be from 0.000001 to 1000000000 USD; window: must be a whole number from 1 to 2592000; " +
          'metadata: metadata key "cf.user" starts with "cf.", which is reserved for the gateway\'s own keys; ' +
          "model.values: a filter needs at least one value; provider.mode: mode must be \"partition\" or \"filter\"",
      ),
    );
  });

  it("reads spend against each spend-limit rule: one counter, or the fullest buckets of a partitioned one", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    await setSpendLimitRule({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "all", limit: 1, window: 3600, technique: "fixed" } });
    const gateway = await setSpendLimitRule({
      ctx,
      teamId: team.id,
      gatewaySlug: "prod",
      rule: { id: "per-user", limit: 0.5, window: 3600, technique: "fixed", metadata: { user_id: { mode: "partition" } } },
    });
    const now = Date.UTC(2030, 4, 1, 10, 15);
    const store = new PostgresCounterStore(database().db, { now: () => now });
    const [all, perUser] = spendLimitRules(gateway);
    for (const [user, cost, held] of [["ann", 200_000, 0], ["bob/2", 50_000, 30_000]] as const) {
      const subject = { tokenId: null, provider: "openai", model: "gpt-4o-mini", metadata: { user_id: user } };
      const checks = [all!, perUser!].map((rule) => ({ counter: counterKey(rule, subject)!, window: rule.window, limit: rule.limit, amount: cost + held, durable: true }));
      const reserved = await store.reserve(checks);
      if (!reserved.admitted) throw new Error("refused");
      if (held === 0) await store.settle(reserved.reservationId, [cost, cost]);
    }
    const resetAt = new Date(Date.UTC(2030, 4, 1, 11));
    const spend = await gatewaySpendLimitSpend({ ctx, teamId: team.id, gatewaySlug: "prod", now });
    expect(spend).toEqual([
      {
        rule: "all",
        ruleId: `gw:${gateway.id}:spend:all`,
        description: "rule 'all' (cost limit 1 per 3600s, fixed)",
        limit: 1_000_000,
        alertPercent: null,
        partitioned: false,
        counters: [{ counter: `gw:${gateway.id}:spend:all`, bucket: {}, used: 200_000, reserved: 80_000, limit: 1_000_000, remaining: 720_000, percent: 28, resetAt }],
      },
      {
        rule: "per-user",
        ruleId: `gw:${gateway.id}:spend:per-user`,
        description: "rule 'per-user' (cost limit 0.5 per 3600s, fixed)",
        limit: 500_000,
        alertPercent: null,
        partitioned: true,
        counters: [
          expect.objectContaining({ bucket: { "metadata.user_id": "ann" }, used: 200_000, reserved: 0, percent: 40, resetAt }),
          expect.objectContaining({ bucket: { "metadata.user_id": "bob/2" }, used: 0, reserved: 80_000, percent: 16, resetAt }),
        ],
      },
    ]);
    // A new window starts from nothing.
    const later = await gatewaySpendLimitSpend({ ctx, teamId: team.id, gatewaySlug: "prod", now: now + 3_600_000 });
    expect(later.map((rule) => rule.counters)).toEqual([[expect.objectContaining({ used: 0, reserved: 0 })], []]);
  });

  it("leaves the gateway's other settings alone", async () => {
    const { team, ctx } = await gatewayOfNewTeam();
    await setGatewayRateLimit({ ctx, teamId: team.id, gatewaySlug: "prod", rule: { id: "a", limit: 1, window: 1 } });
    expect(await getGateway({ ctx, teamId: team.id, slug: "prod" })).toMatchObject({ cacheTtl: 0, rateLimitingLimit: 0, spendLimits: null });
  });
});
