import { errorLine } from "@/lib/error-line";
import { limitsUnavailable, rateLimited, type GatewayError } from "@/lib/gateway/errors";
import type { Exchange, Settlement } from "@/lib/gateway/exchange";
import type { RouteElement } from "@/lib/routes/types";
import { partitionOf, quantity, refusalHeaders } from "./limit-headers";
import { describeRule, type LimitRule } from "./rules";
import { CounterStoreUnavailableError, type CounterCheck, type CounterState, type CounterStore } from "./store";
import { describeWindow, windowOf } from "./window";

export type RateElement = Extract<RouteElement, { type: "rate" }>;

/** A dynamic route's `rate` element, as a request reaches it. */
export interface RouteRateCheck {
  routeId: string;
  routeName: string;
  element: RateElement;
  /** The request's value of the element's `key`; requests without one share the element's one counter. */
  keyValue: string | undefined;
  /** Micro-dollars a `cost` element reserves: the most any model the route may call after it can cost. */
  worstCaseMicros: number;
}

export type RouteRateOutcome =
  | { admitted: true; detail: string }
  /** `refusal` and `headers` answer the request when the element has no `fallback`. */
  | { admitted: false; detail: string; refusal: GatewayError; headers: Record<string, string> };

/**
 * The counters of one request's walk through a dynamic route: each `rate` element it passes
 * reserves on its own counter (a request, or the worst case in micro-dollars) as spend rules do,
 * and the reservations are settled once the route is over, with the cost of every model call the
 * route made after them (the rows of failed models included, which cost what they cost).
 *
 * It is the exchange's settlement around each model call (`beforeModel`): a call that admission
 * reserves for opens its own step settlement inside this one (admission.ts), which passes on each
 * row's cost and its step's end; a call under no rule settles this one directly. `settle` is the
 * end of one model call; the reservations are settled when the route is `finish`ed and no call is
 * open, so an answer streamed after the route has chosen it is counted whole.
 */
export class RouteCounters implements Settlement {
  private readonly reservations: { id: string; rule: LimitRule }[] = [];
  private costMicros = 0;
  private callOpen = false;
  private finished = false;
  private settled = false;

  constructor(
    private readonly store: CounterStore,
    private readonly exchange: Exchange,
  ) {}

  async check({ routeId, routeName, element, keyValue, worstCaseMicros }: RouteRateCheck): Promise<RouteRateOutcome> {
    const { limitType, key, limit, window, technique } = element.properties;
    const rule: LimitRule = {
      id: `route:${routeId}:${element.id}`,
      kind: "rate",
      label: `rate element '${element.id}' of route '${routeName}'`,
      measure: limitType === "count" ? "requests" : "cost",
      limit: limitType === "count" ? limit : Math.round(limit * 1e6),
      window: windowOf(technique, window),
      partition: [],
    };
    // The same shape as rules.ts's counterKey, so that refusals name the partition the same way.
    const counter = keyValue === undefined ? rule.id : `${rule.id}|${key}=${encodeURIComponent(keyValue)}`;
    const check: CounterCheck = { counter, window: rule.window, limit: rule.limit, amount: limitType === "count" ? 1 : worstCaseMicros, durable: false };
    const outcome = await this.store.reserve([check]).catch((error: unknown) => {
      if (!(error instanceof CounterStoreUnavailableError)) throw error;
      this.exchange.limitHeaders = { ...this.exchange.limitHeaders, "retry-after": "1" };
      throw limitsUnavailable();
    });
    const state = outcome.states[0]!;
    const detail = describeState(rule, state, keyValue === undefined ? undefined : `${key}=${keyValue}`);
    if (!outcome.admitted) {
      return { admitted: false, detail, refusal: rateLimited(describeRule(rule) + partitionOf(counter)), headers: refusalHeaders(rule, state, this.store.now()) };
    }
    this.reservations.push({ id: outcome.reservationId, rule });
    return { admitted: true, detail };
  }

  /** Before each model call: the call's rows report their cost here. */
  beforeModel(): void {
    if (this.reservations.length === 0 || this.settled) return;
    this.exchange.settlement = this;
    this.callOpen = true;
  }

  /** The route is over (answered or failed): settles once its last call's rows are in. */
  finish(): void {
    this.finished = true;
    if (!this.callOpen) this.settleNow();
  }

  add(costMicros: number): void {
    this.costMicros += costMicros;
  }

  /** A model call's last row. */
  settle(): void {
    this.callOpen = false;
    if (this.finished) this.settleNow();
  }

  private settleNow(): void {
    if (this.settled) return;
    this.settled = true;
    for (const { id, rule } of this.reservations) {
      const actual = rule.measure === "requests" ? 1 : this.costMicros;
      this.store
        .settle(id, [actual])
        .catch((error: unknown) => console.error(`switchyard limits: could not settle reservation ${id} (it expires and is charged as reserved): ${errorLine(error)}`));
    }
  }
}

/** `3 of 10 requests per 60s, fixed (metadata.user_id=ada)`: the route step's detail, for people. */
function describeState(rule: LimitRule, state: CounterState, partition: string | undefined): string {
  const unit = rule.measure === "requests" ? " requests" : " USD";
  const counted = `${quantity(rule, state.counted)} of ${quantity(rule, state.limit)}${unit} ${describeWindow(rule.window)}`;
  return partition === undefined ? counted : `${counted} (${partition})`;
}
