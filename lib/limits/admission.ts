import type { Budget, Gateway } from "@/db/schema";
import { cacheTtlOf } from "@/lib/cache/response-cache";
import { errorLine } from "@/lib/error-line";
import type { JsonObject } from "@/lib/formats/json";
import type { Access } from "@/lib/gateway/auth";
import { insufficientCredits, limitsUnavailable, rateLimited, spendLimitExceeded, type GatewayError } from "@/lib/gateway/errors";
import type { Exchange, Settlement } from "@/lib/gateway/exchange";
import type { GatewayDirectory, TokenRecord } from "@/lib/state/directory";
import type { AlertSink } from "./alerts";
import {
  budgetRule,
  counterKey,
  creditsRule,
  describeRule,
  gatewayRateLimitRules,
  gatewayRateRule,
  spendLimitRules,
  tokenRateLimitRules,
  type LimitRule,
  type LimitSubject,
} from "./rules";
import { CounterStoreUnavailableError, type CounterCheck, type CounterState, type CounterStore } from "./store";
import { admittedHeaders, partitionOf, refusalHeaders } from "./limit-headers";
import { RouteCounters } from "./route-counters";
import { windowAt } from "./window";
import { worstCaseMicros } from "./worst-case";

export interface AdmissionDeps {
  store: CounterStore;
  directory: GatewayDirectory;
  /** Where budget alerts go; none are recorded when omitted. */
  onAlert?: AlertSink;
}

/** What decides whether the response cache applies to a request. */
type CacheOptions = Parameters<typeof cacheTtlOf>[0];

/** A rule that applies to the request, and the counter it is checked against. */
interface Applied {
  rule: LimitRule;
  check: CounterCheck;
}

/** One reservation of a step: its checks and the states they were admitted at (for alerts). */
interface Reservation {
  id: string;
  applied: readonly Applied[];
  states: readonly CounterState[];
}

/** Thresholds already recorded by this process; kept bounded, the table's unique index is what makes them once. */
const ALERTS_REMEMBERED = 10_000;

/**
 * Admission of the data plane (lib/limits): each surface calls `admitRequest` once provider,
 * model and key are known, before the cache is asked (cached requests count as requests), and
 * `admitSpend` on a cache miss just before the upstream call (a cached answer is served over
 * budget, as Cloudflare's is); a request the cache does not apply to is admitted whole by
 * `admitRequest`. Each reserves what applies in one store call, or refuses with the GatewayError
 * the surface renders; the step's last log row settles it (logging.ts). A request under no rule
 * costs no store call at all.
 */
export class Admission {
  private readonly gatewayRules = new WeakMap<Gateway, { rate: LimitRule[]; spend: LimitRule[] }>();
  private readonly tokenRules = new WeakMap<TokenRecord, LimitRule[]>();
  private readonly budgetRules = new WeakMap<Budget, LimitRule>();
  private readonly alerted = new Set<string>();

  constructor(private readonly deps: AdmissionDeps) {}

  /**
   * Rate limits: the gateway's Cloudflare limit, its own rules, the token's. Where the cache does
   * not apply (`options`' TTL is 0), the spend rules too, in the same store call: one reservation
   * and one settlement a request instead of two.
   */
  async admitRequest(exchange: Exchange, access: Access, options: CacheOptions, body: JsonObject | undefined): Promise<void> {
    exchange.limitHeaders = undefined;
    const gatewayRules = this.rulesOfGateway(access.gateway).rate;
    const tokenRules = access.token ? this.rulesOfToken(access.token) : [];
    const rules = [...gatewayRules, ...tokenRules];
    if (cacheTtlOf(options) === 0) return this.reserveWithSpend(exchange, access, body, rules);
    if (rules.length > 0) await this.reserve(exchange, access, rules, 0);
  }

  /**
   * On a cache miss: budgets (the team's, the gateway's, the token's), the gateway's spend limits,
   * and the team's credits when an operator key calls, each reserving the request's worst-case
   * cost. Without a cache, `admitRequest` has reserved them already.
   */
  async admitSpend(exchange: Exchange, access: Access, options: CacheOptions, body: JsonObject | undefined): Promise<void> {
    if (cacheTtlOf(options) === 0) return;
    await this.reserveWithSpend(exchange, access, body, []);
  }

  private async reserveWithSpend(exchange: Exchange, access: Access, body: JsonObject | undefined, rateRules: readonly LimitRule[]): Promise<void> {
    const limits = await this.deps.directory.limits(access.team.id);
    const spend = [...this.rulesOfGateway(access.gateway).spend];
    for (const budget of limits.budgets) {
      if (appliesTo(budget, access)) spend.push(this.ruleOfBudget(budget));
    }
    if (exchange.keySource === "operator") spend.push(creditsRule(access.team.id, limits.creditsGrantedMicros));
    if (spend.length === 0 && rateRules.length === 0) return;
    const worstCase =
      spend.length === 0
        ? 0
        : worstCaseMicros({
            provider: exchange.provider ?? "",
            model: exchange.model,
            bodyBytes: exchange.requestBody?.byteLength ?? 0,
            body,
            customCost: exchange.options?.customCost,
          });
    await this.reserve(exchange, access, [...rateRules, ...spend], worstCase);
  }

  private async reserve(exchange: Exchange, access: Access, rules: readonly LimitRule[], worstCase: number): Promise<void> {
    const subject = subjectOf(exchange);
    const applied: Applied[] = [];
    for (const rule of rules) {
      const counter = counterKey(rule, subject);
      if (counter === undefined) continue;
      const amount = rule.measure === "requests" ? 1 : rule.measure === "tokens" ? 0 : worstCase;
      applied.push({ rule, check: { counter, window: rule.window, limit: rule.limit, amount, durable: rule.kind !== "rate" } });
    }
    if (applied.length === 0) return;
    const outcome = await this.deps.store.reserve(applied.map((a) => a.check)).catch((error: unknown) => {
      if (!(error instanceof CounterStoreUnavailableError)) throw error;
      exchange.limitHeaders = { ...exchange.limitHeaders, "retry-after": "1" };
      throw limitsUnavailable();
    });
    const now = this.deps.store.now();
    if (!outcome.admitted) {
      const { rule, check } = applied[outcome.refused]!;
      const state = outcome.states[outcome.refused]!;
      exchange.limitHeaders = { ...exchange.limitHeaders, ...refusalHeaders(rule, state, now) };
      throw refusalOf(rule, check.counter, state);
    }
    // A step's cache miss adds its spend reservation to the one its rate limits opened; a
    // settlement open around the step (a dynamic route's rate elements) hears of its cost and end.
    const settlement =
      exchange.settlement instanceof StepSettlement
        ? exchange.settlement
        : new StepSettlement(this.deps.store, (reservation, cost) => this.alert(access.team.id, reservation, cost), exchange.settlement);
    exchange.settlement = settlement;
    settlement.track({ id: outcome.reservationId, applied, states: outcome.states });
    const headers = { ...exchange.limitHeaders, ...admittedHeaders(applied, outcome.states, now) };
    exchange.limitHeaders = Object.keys(headers).length > 0 ? headers : undefined;
  }

  /** The counters of a dynamic route's `rate` elements for one request (route-counters.ts). */
  routeCounters(exchange: Exchange): RouteCounters {
    return new RouteCounters(this.deps.store, exchange);
  }

  /**
   * Records the budget counters this request's actual cost took past their rule's threshold. Read
   * from the states it was admitted at, less its own reservation, plus its actual cost: other
   * requests' reservations still in flight count as spent, so an alert comes early rather than late,
   * and no store call is made for it.
   */
  private alert(teamId: string, reservation: Reservation, costMicros: number): void {
    const { onAlert } = this.deps;
    if (!onAlert) return;
    reservation.applied.forEach(({ rule, check }, i) => {
      if (rule.alertPercent === undefined || rule.measure !== "cost") return;
      const state = reservation.states[i]!;
      const used = state.counted - check.amount + costMicros;
      if (used * 100 < rule.limit * rule.alertPercent) return;
      const windowStart = windowAt(rule.window, state.resetAt - 1).start;
      const key = `${check.counter}|${windowStart}|${rule.alertPercent}`;
      if (this.alerted.has(key)) return;
      if (this.alerted.size >= ALERTS_REMEMBERED) this.alerted.clear();
      this.alerted.add(key);
      const event = { teamId, counter: check.counter, label: rule.label, percent: rule.alertPercent, windowStart, usedMicros: used, limitMicros: rule.limit };
      onAlert(event).catch((error: unknown) => {
        this.alerted.delete(key);
        console.error(`switchyard limits: could not record the alert of ${check.counter}: ${errorLine(error)}`);
      });
    });
  }

  private rulesOfGateway(gateway: Gateway): { rate: LimitRule[]; spend: LimitRule[] } {
    let rules = this.gatewayRules.get(gateway);
    if (!rules) {
      const cloudflare = gatewayRateRule(gateway);
      rules = { rate: [...(cloudflare ? [cloudflare] : []), ...gatewayRateLimitRules(gateway)], spend: spendLimitRules(gateway) };
      this.gatewayRules.set(gateway, rules);
    }
    return rules;
  }

  private rulesOfToken(token: TokenRecord): LimitRule[] {
    let rules = this.tokenRules.get(token);
    if (!rules) {
      rules = tokenRateLimitRules(token);
      this.tokenRules.set(token, rules);
    }
    return rules;
  }

  private ruleOfBudget(budget: Budget): LimitRule {
    let rule = this.budgetRules.get(budget);
    if (!rule) {
      rule = budgetRule(budget);
      this.budgetRules.set(budget, rule);
    }
    return rule;
  }
}

/** A team-wide budget applies to every request of the team; a gateway's or a token's to theirs. */
function appliesTo(budget: Budget, access: Access): boolean {
  return (budget.gatewayId === null || budget.gatewayId === access.gateway.id) && (budget.tokenId === null || budget.tokenId === access.token?.id);
}

function subjectOf(exchange: Exchange): LimitSubject {
  return { tokenId: exchange.tokenId, provider: exchange.provider ?? "", model: exchange.model, metadata: exchange.options?.metadata };
}

/**
 * The step's reservations, settled once by its last log row with what its rows reported: 1 request,
 * their tokens (input + output), their cost. Settling never throws: a store that fails leaves the
 * reservation to expire and be reconciled (charged as reserved).
 */
class StepSettlement implements Settlement {
  private costMicros = 0;
  private tokens = 0;
  private settled = false;
  private readonly reservations: Reservation[] = [];

  constructor(
    private readonly store: CounterStore,
    private readonly settledOne: (reservation: Reservation, costMicros: number) => void,
    /** Told of every row's cost and of the step's end (`RouteCounters`). */
    private readonly around: Settlement | undefined,
  ) {}

  track(reservation: Reservation): void {
    this.reservations.push(reservation);
  }

  add(costMicros: number, tokens: number): void {
    this.costMicros += costMicros;
    this.tokens += tokens;
    this.around?.add(costMicros, tokens);
  }

  settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.around?.settle();
    for (const reservation of this.reservations) {
      const actual = reservation.applied.map(({ rule }) => (rule.measure === "requests" ? 1 : rule.measure === "tokens" ? this.tokens : this.costMicros));
      this.store.settle(reservation.id, actual).then(
        () => this.settledOne(reservation, this.costMicros),
        (error: unknown) => console.error(`switchyard limits: could not settle reservation ${reservation.id} (it expires and is charged as reserved): ${errorLine(error)}`),
      );
    }
  }
}

function refusalOf(rule: LimitRule, counter: string, state: CounterState): GatewayError {
  if (rule.kind === "credits") return insufficientCredits(state.counted / 1e6, rule.limit / 1e6);
  const described = describeRule(rule) + partitionOf(counter);
  return rule.kind === "rate" ? rateLimited(described) : spendLimitExceeded(described);
}

