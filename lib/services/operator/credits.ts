import { and, asc, desc, eq, inArray, sum } from "drizzle-orm";
import { z } from "zod";
import { creditGrants, limitCounters, teams } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { creditsRule } from "@/lib/limits/rules";
import { newId } from "@/lib/ids";
import { changeDirectory } from "@/lib/state/directory-changes";
import { actorId, type ServiceContext } from "../context";
import { NotFoundError } from "../errors";
import { parseInput } from "../validation";
import { requireOperator } from "./access";

export interface CreditGrantView {
  id: string;
  amountMicros: number;
  note: string | null;
  /** A user id, or null for the CLI. */
  grantedBy: string | null;
  createdAt: Date;
}

/** A team's credits for operator keys: what was granted, what its requests used, what is left. */
export interface TeamCredits {
  teamId: string;
  teamSlug: string;
  grantedMicros: number;
  /** Settled use of operator keys. */
  usedMicros: number;
  /** Held by requests still running (their worst case), until they settle. */
  reservedMicros: number;
  /** Granted − used − reserved: what admission still lets requests reserve. */
  balanceMicros: number;
}

/** Dollars as the operator types them: up to six decimals (a micro-dollar), a top-up or a negative adjustment, never zero. */
const MAX_GRANT_USD = 1_000_000_000;
const usdSchema = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d{1,6})?$/, "must be an amount in USD like 25 or 12.50, with at most 6 decimals")
  .transform(Number)
  .pipe(
    z
      .number()
      .refine((usd) => usd !== 0, "must not be zero")
      .refine((usd) => Math.abs(usd) <= MAX_GRANT_USD, `must be at most ${MAX_GRANT_USD} USD either way`),
  )
  .transform((usd) => Math.round(usd * 1e6));

const grantInput = z.object({
  usd: usdSchema,
  note: z.string().trim().max(500, "must be at most 500 characters").optional(),
});

/** The team's credits counter: the credits rule's only bucket (no partition), in window 0, as it never resets. */
const creditsCounter = (teamId: string) => creditsRule(teamId, 0).id;

/**
 * Grants the team credits (or takes some back), in the ledger. Through `changeDirectory`: running
 * gateways hold the team's credit total as their limit, and see the new one at once.
 */
export async function grantCredits({
  ctx,
  teamId,
  usd,
  note,
}: {
  ctx: ServiceContext;
  teamId: string;
  usd: number | string;
  note?: string;
}): Promise<{ grant: CreditGrantView; credits: TeamCredits }> {
  const input = parseInput(grantInput, { usd: String(usd), note: note || undefined });
  await requireOperator(ctx, "grant credits");
  const [team] = await ctx.db.select({ id: teams.id, slug: teams.slug }).from(teams).where(eq(teams.id, teamId));
  if (!team) throw new NotFoundError("team not found");
  const grant = await changeDirectory(ctx.db, teamId, async (tx) => {
    const [row] = await tx
      .insert(creditGrants)
      .values({ id: newId("cg"), teamId, amountMicros: input.usd, note: input.note ?? null, grantedBy: actorId(ctx) })
      .returning();
    await recordAudit({ ...ctx, db: tx }, { teamId, action: "credits.grant", targetType: "team", targetId: teamId, targetLabel: team.slug, details: { amountMicros: input.usd, note: input.note ?? null } });
    return row!;
  });
  const [credits] = await creditsOf(ctx, [teamId]);
  return { grant: toGrantView(grant), credits: credits! };
}

/** The team's credits and its ledger of grants, newest first. */
export async function teamCredits({ ctx, teamId }: { ctx: ServiceContext; teamId: string }): Promise<TeamCredits & { grants: CreditGrantView[] }> {
  await requireOperator(ctx, "see teams' credits");
  const [credits] = await creditsOf(ctx, [teamId]);
  if (!credits) throw new NotFoundError("team not found");
  const grants = await ctx.db
    .select()
    .from(creditGrants)
    .where(eq(creditGrants.teamId, teamId))
    .orderBy(desc(creditGrants.createdAt), desc(creditGrants.id));
  return { ...credits, grants: grants.map(toGrantView) };
}

/** Every team's credits, by slug. */
export async function listTeamCredits({ ctx }: { ctx: ServiceContext }): Promise<TeamCredits[]> {
  await requireOperator(ctx, "see teams' credits");
  const all = await ctx.db.select({ id: teams.id }).from(teams).orderBy(asc(teams.slug));
  return creditsOf(ctx, all.map((team) => team.id));
}

async function creditsOf(ctx: ServiceContext, teamIds: string[]): Promise<TeamCredits[]> {
  if (teamIds.length === 0) return [];
  const [teamRows, grantRows, counterRows] = await Promise.all([
    ctx.db.select({ id: teams.id, slug: teams.slug }).from(teams).where(inArray(teams.id, teamIds)).orderBy(asc(teams.slug)),
    ctx.db
      .select({ teamId: creditGrants.teamId, micros: sum(creditGrants.amountMicros).mapWith(Number) })
      .from(creditGrants)
      .where(inArray(creditGrants.teamId, teamIds))
      .groupBy(creditGrants.teamId),
    ctx.db
      .select({ counter: limitCounters.counter, used: limitCounters.used, reserved: limitCounters.reserved })
      .from(limitCounters)
      .where(and(inArray(limitCounters.counter, teamIds.map(creditsCounter)), eq(limitCounters.windowStart, 0))),
  ]);
  const granted = new Map(grantRows.map((row) => [row.teamId, row.micros]));
  const counters = new Map(counterRows.map((row) => [row.counter, row]));
  return teamRows.map((team) => {
    const grantedMicros = granted.get(team.id) ?? 0;
    const counter = counters.get(creditsCounter(team.id));
    const usedMicros = counter?.used ?? 0;
    const reservedMicros = counter?.reserved ?? 0;
    return { teamId: team.id, teamSlug: team.slug, grantedMicros, usedMicros, reservedMicros, balanceMicros: grantedMicros - usedMicros - reservedMicros };
  });
}

function toGrantView(grant: typeof creditGrants.$inferSelect): CreditGrantView {
  return { id: grant.id, amountMicros: grant.amountMicros, note: grant.note, grantedBy: grant.grantedBy, createdAt: grant.createdAt };
}
