import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { budgetAlerts, budgets } from "@/db/schema";
import { budgetRule } from "@/lib/limits/rules";
import { PostgresCounterStore } from "@/lib/limits/postgres-store";
import { describeEachDatabase } from "@/tests/support/harness";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { createGateway } from "../gateways/create";
import { newTeam, operatorOf, userContext } from "../test-helpers";
import { createGatewayToken } from "../tokens/create";
import { listBudgetAlerts } from "./alerts";
import { createBudget } from "./create";
import { listBudgets } from "./list";
import { removeBudget } from "./remove";
import { updateBudget } from "./update";

describeEachDatabase("budget services", (database) => {
  it("creates budgets on the team, a gateway and a token, in micro-dollars, and lists them with their scope", async () => {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    await createGateway({ ctx, teamId: team.id, slug: "prod" });
    const { record: token } = await createGatewayToken({ ctx, teamId: team.id, name: "ci" });
    const teamBudget = await createBudget({ ctx, teamId: team.id, name: "monthly", limitUsd: 100, period: "monthly", alertPercent: 80 });
    expect(teamBudget).toMatchObject({ name: "monthly", scope: { kind: "team" }, limitMicros: 100_000_000, period: "monthly", windowSeconds: null, alertPercent: 80 });
    await createBudget({ ctx, teamId: team.id, name: "prod daily", limitUsd: 0.01, period: "daily", scope: { gatewaySlug: "prod" } });
    await createBudget({ ctx, teamId: team.id, name: "ci hourly", limitUsd: 1.5, period: "rolling", windowSeconds: 3600, scope: { tokenId: token.id } });
    const listed = await listBudgets({ ctx, teamId: team.id });
    expect(listed.map((b) => [b.name, b.scope, b.limitMicros])).toEqual([
      ["monthly", { kind: "team" }, 100_000_000],
      ["prod daily", { kind: "gateway", gatewaySlug: "prod" }, 10_000],
      ["ci hourly", { kind: "token", tokenId: token.id, tokenName: "ci" }, 1_500_000],
    ]);
    expect(listed[2]!.description).toBe("budget 'ci hourly' (cost limit 1.5 per 3600s, sliding)");
  });

  it("names each bad field, and refuses a period without its window or a window without rolling", async () => {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    await expect(createBudget({ ctx, teamId: team.id, name: " ", limitUsd: 0, period: "yearly" as "daily", alertPercent: 120 })).rejects.toThrow(
      new InvalidInputError(
        "name: must not be empty; limitUsd: must be from 0.000001 to 1000000000 USD; period: must be daily, weekly, monthly or rolling; alertPercent: must be a whole number from 1 to 100",
      ),
    );
    await expect(createBudget({ ctx, teamId: team.id, name: "r", limitUsd: 1, period: "rolling" })).rejects.toThrow(
      new InvalidInputError("windowSeconds: a rolling budget needs its window's length in seconds"),
    );
    await expect(createBudget({ ctx, teamId: team.id, name: "w", limitUsd: 1, period: "weekly", windowSeconds: 600 })).rejects.toThrow(
      new InvalidInputError("windowSeconds: only a rolling budget has one; a weekly budget resets at the start of each UTC week (Monday)"),
    );
  });

  it("refuses a gateway or token of another team, both at once, and a name the team already uses", async () => {
    const [team, other] = [await newTeam(database()), await newTeam(database())];
    const ctx = operatorOf(database());
    await createGateway({ ctx, teamId: other.id, slug: "theirs" });
    const { record: theirToken } = await createGatewayToken({ ctx, teamId: other.id, name: "theirs" });
    const base = { ctx, teamId: team.id, limitUsd: 1, period: "daily" as const };
    await expect(createBudget({ ...base, name: "a", scope: { gatewaySlug: "theirs" } })).rejects.toThrow(new NotFoundError('gateway "theirs" not found'));
    await expect(createBudget({ ...base, name: "a", scope: { tokenId: theirToken.id } })).rejects.toThrow(new NotFoundError(`token ${theirToken.id} not found`));
    await expect(createBudget({ ...base, name: "a", scope: { gatewaySlug: "x", tokenId: "y" } })).rejects.toThrow(InvalidInputError);
    await createBudget({ ...base, name: "a" });
    await expect(createBudget({ ...base, name: "a" })).rejects.toThrow(new ConflictError('a budget named "a" already exists in this team'));
  });

  it("updates the given settings and keeps the others; removes", async () => {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    const budget = await createBudget({ ctx, teamId: team.id, name: "r", limitUsd: 2, period: "rolling", windowSeconds: 600, alertPercent: 50 });
    const renamed = await updateBudget({ ctx, teamId: team.id, budgetId: budget.id, name: "renamed", limitUsd: 3 });
    expect(renamed).toMatchObject({ name: "renamed", limitMicros: 3_000_000, period: "rolling", windowSeconds: 600, alertPercent: 50 });
    const daily = await updateBudget({ ctx, teamId: team.id, budgetId: budget.id, period: "daily", alertPercent: null });
    expect(daily).toMatchObject({ period: "daily", windowSeconds: null, alertPercent: null });
    await expect(updateBudget({ ctx, teamId: team.id, budgetId: budget.id, period: "rolling" })).rejects.toThrow(
      new InvalidInputError("windowSeconds: a rolling budget needs its window's length in seconds"),
    );
    expect(await removeBudget({ ctx, teamId: team.id, budgetId: budget.id })).toEqual({ id: budget.id, name: "renamed" });
    await expect(removeBudget({ ctx, teamId: team.id, budgetId: budget.id })).rejects.toThrow(new NotFoundError(`budget ${budget.id} not found`));
    await expect(listBudgets({ ctx, teamId: team.id })).resolves.toEqual([]);
  });

  it("needs admin to change budgets and viewer to list them", async () => {
    const team = await newTeam(database());
    const budget = await createBudget({ ctx: operatorOf(database()), teamId: team.id, name: "b", limitUsd: 1, period: "daily" });
    const member = await userContext(database(), { team, role: "member" });
    await expect(createBudget({ ctx: member, teamId: team.id, name: "c", limitUsd: 1, period: "daily" })).rejects.toThrow(ForbiddenError);
    await expect(updateBudget({ ctx: member, teamId: team.id, budgetId: budget.id, limitUsd: 9 })).rejects.toThrow(ForbiddenError);
    await expect(removeBudget({ ctx: member, teamId: team.id, budgetId: budget.id })).rejects.toThrow(ForbiddenError);
    const viewer = await userContext(database(), { team, role: "viewer" });
    await expect(listBudgets({ ctx: viewer, teamId: team.id })).resolves.toHaveLength(1);
    await expect(listBudgetAlerts({ ctx: viewer, teamId: team.id })).resolves.toEqual([]);
    const stranger = await userContext(database());
    await expect(listBudgets({ ctx: stranger, teamId: team.id })).rejects.toThrow(NotFoundError);
  });

  it("shows each budget's spend of the period: used, reserved, and when it resets", async () => {
    const team = await newTeam(database());
    const ctx = operatorOf(database());
    const budget = await createBudget({ ctx, teamId: team.id, name: "daily", limitUsd: 0.01, period: "daily", alertPercent: 80 });
    const [row] = await database().db.select().from(budgets).where(eq(budgets.id, budget.id));
    const rule = budgetRule(row!);
    const now = Date.UTC(2030, 0, 2, 15, 30);
    const store = new PostgresCounterStore(database().db, { now: () => now });
    const check = { counter: rule.id, window: rule.window, limit: rule.limit, amount: 3_000, durable: true };
    const first = await store.reserve([check]);
    const second = await store.reserve([check]);
    if (!first.admitted || !second.admitted) throw new Error("refused");
    await store.settle(first.reservationId, [2_500]);

    const [listed] = await listBudgets({ ctx, teamId: team.id, now });
    expect(listed!.spend).toEqual({
      counter: `budget:${budget.id}`,
      bucket: {},
      used: 2_500,
      reserved: 3_000,
      limit: 10_000,
      remaining: 4_500,
      percent: 55,
      resetAt: new Date(Date.UTC(2030, 0, 3)),
    });
    const [nextDay] = await listBudgets({ ctx, teamId: team.id, now: now + 86_400_000 });
    expect(nextDay!.spend).toMatchObject({ used: 0, reserved: 0, remaining: 10_000 });
  });

  it("lists the team's alerts, newest first, and no other team's", async () => {
    const [team, other] = [await newTeam(database()), await newTeam(database())];
    const alert = (teamId: string, id: string, createdAt: Date) => ({
      id,
      teamId,
      counter: `budget:${id}`,
      label: "budget 'daily'",
      percent: 80,
      windowStart: 0,
      usedMicros: 8_100,
      limitMicros: 10_000,
      createdAt,
    });
    await database()
      .db.insert(budgetAlerts)
      .values([
        alert(team.id, `a1-${team.id}`, new Date("2030-01-01T00:00:00Z")),
        alert(team.id, `a2-${team.id}`, new Date("2030-01-02T00:00:00Z")),
        alert(other.id, `a3-${other.id}`, new Date("2030-01-03T00:00:00Z")),
      ]);
    const alerts = await listBudgetAlerts({ ctx: operatorOf(database()), teamId: team.id });
    expect(alerts.map((a) => a.id)).toEqual([`a2-${team.id}`, `a1-${team.id}`]);
  });
});
