import { and, eq, gte, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { gatewayTokens, requestLogs } from "@/db/schema";
import { InvalidInputError } from "../errors";

/**
 * The one filter model of the request logs: the log pages (URL search params), the export, the
 * live tail, deletion and the management API all narrow rows with a LogQuery. Filters are
 * Cloudflare's logs API's (`{key, operator, value[]}`, ANDed; the values of one filter ORed), plus
 * our `status_code`, `path`, `token` (a token's name or id) and `refused` (no gateway was found).
 */
const LOG_FILTER_KEYS = [
  "id",
  "created_at",
  "success",
  "status_code",
  "cached",
  "provider",
  "model",
  "path",
  "token",
  "cost",
  "tokens",
  "tokens_in",
  "tokens_out",
  "duration",
  "feedback",
  "event_id",
  "metadata.key",
  "metadata.value",
  "refused",
] as const;
export type LogFilterKey = (typeof LOG_FILTER_KEYS)[number];

export const LOG_FILTER_OPERATORS = ["eq", "neq", "contains", "lt", "gt"] as const;
export type LogFilterOperator = (typeof LOG_FILTER_OPERATORS)[number];

export type LogFilterValue = string | number | boolean;

export interface LogFilter {
  key: LogFilterKey;
  operator: LogFilterOperator;
  value: LogFilterValue[];
}

export interface LogQuery {
  filters: LogFilter[];
  /** Free text over the metadata (keys and values); `key=value` matches that pair exactly. */
  search?: string;
  /** Inclusive lower bound of created_at. */
  from?: Date;
  /** Exclusive upper bound of created_at. */
  to?: Date;
}

type Kind = "text" | "number" | "boolean" | "date";

const KINDS: Record<LogFilterKey, Kind> = {
  id: "text",
  created_at: "date",
  success: "boolean",
  status_code: "number",
  cached: "boolean",
  provider: "text",
  model: "text",
  path: "text",
  token: "text",
  cost: "number",
  tokens: "number",
  tokens_in: "number",
  tokens_out: "number",
  duration: "number",
  feedback: "number",
  event_id: "text",
  "metadata.key": "text",
  "metadata.value": "text",
  refused: "boolean",
};

const OPERATORS_OF: Record<Kind, readonly LogFilterOperator[]> = {
  text: ["eq", "neq", "contains"],
  number: ["eq", "neq", "lt", "gt"],
  boolean: ["eq", "neq"],
  date: ["lt", "gt"],
};

const MAX_FILTERS = 20;
const MAX_VALUES = 20;

const filterShape = z.object({
  key: z.string(),
  operator: z.string(),
  value: z.array(z.union([z.string().max(500), z.number(), z.boolean()])).min(1).max(MAX_VALUES),
});

/** The value as its key's kind, or a problem naming what was expected. */
function coerce(kind: Kind, value: LogFilterValue): { value: LogFilterValue } | { problem: string } {
  const received = `received ${JSON.stringify(value)}`;
  switch (kind) {
    case "text":
      return { value: String(value) };
    case "number": {
      const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
      return Number.isFinite(number) ? { value: number } : { problem: `expected a number, ${received}` };
    }
    case "boolean":
      if (typeof value === "boolean") return { value };
      if (value === "true" || value === "false") return { value: value === "true" };
      return { problem: `expected true or false, ${received}` };
    case "date": {
      const date = typeof value === "boolean" ? new Date(Number.NaN) : new Date(value);
      return Number.isNaN(date.getTime()) ? { problem: `expected a date (ISO 8601), ${received}` } : { value: date.toISOString() };
    }
  }
}

/**
 * Reads filters as clients send them (Cloudflare's JSON array): an InvalidInputError naming the
 * field (`filters[0].value[1]: expected a number, received "x"`) for anything this model cannot run.
 */
export function parseLogFilters(raw: unknown, field = "filters"): LogFilter[] {
  if (!Array.isArray(raw)) throw new InvalidInputError(`${field}: expected an array of {key, operator, value[]}`);
  if (raw.length > MAX_FILTERS) throw new InvalidInputError(`${field}: at most ${MAX_FILTERS} filters`);
  return raw.map((item, index) => {
    const at = `${field}[${index}]`;
    const parsed = filterShape.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
      throw new InvalidInputError(`${at}${path}: ${issue.message}`);
    }
    const { key, operator, value } = parsed.data;
    if (!(LOG_FILTER_KEYS as readonly string[]).includes(key)) {
      throw new InvalidInputError(`${at}.key: "${key}" is not a filter key; use one of ${LOG_FILTER_KEYS.join(", ")}`);
    }
    const kind = KINDS[key as LogFilterKey];
    if (!OPERATORS_OF[kind].includes(operator as LogFilterOperator)) {
      throw new InvalidInputError(`${at}.operator: "${operator}" does not apply to ${key}; use ${OPERATORS_OF[kind].join(", ")}`);
    }
    const values = value.map((one, i) => {
      const coerced = coerce(kind, one);
      if ("problem" in coerced) throw new InvalidInputError(`${at}.value[${i}]: ${coerced.problem}`);
      return coerced.value;
    });
    if ((operator === "lt" || operator === "gt") && values.length !== 1) throw new InvalidInputError(`${at}.value: ${operator} takes one value`);
    return { key: key as LogFilterKey, operator: operator as LogFilterOperator, value: values };
  });
}

const COLUMNS = {
  id: requestLogs.id,
  created_at: requestLogs.createdAt,
  success: requestLogs.success,
  status_code: requestLogs.statusCode,
  cached: requestLogs.cached,
  provider: requestLogs.provider,
  model: requestLogs.model,
  path: requestLogs.path,
  cost: requestLogs.costMicros,
  tokens_in: requestLogs.tokensIn,
  tokens_out: requestLogs.tokensOut,
  duration: requestLogs.durationMs,
  feedback: requestLogs.feedback,
  event_id: requestLogs.eventId,
} as const;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One value's condition on a column or expression. */
function compare(target: SQL | (typeof COLUMNS)[keyof typeof COLUMNS], operator: LogFilterOperator, value: LogFilterValue | SQL): SQL {
  switch (operator) {
    case "eq":
      return sql`${target} = ${value}`;
    case "neq":
      return sql`${target} is distinct from ${value}`;
    case "contains":
      return sql`${target} ilike ${`%${escapeLike(String(value))}%`}`;
    case "lt":
      return sql`${target} < ${value}`;
    case "gt":
      return sql`${target} > ${value}`;
  }
}

function condition(teamId: string, filter: LogFilter): SQL {
  const { key, operator, value } = filter;
  // neq excludes every value; the other operators match any of them.
  const join = (parts: SQL[]) => (operator === "neq" ? and(...parts)! : or(...parts)!);
  switch (key) {
    case "cost":
      // Cloudflare's cost is in dollars; rows keep micro-dollars.
      return join(value.map((v) => compare(COLUMNS.cost, operator, Math.round(Number(v) * 1_000_000))));
    case "tokens":
      return join(value.map((v) => compare(sql`(${requestLogs.tokensIn} + ${requestLogs.tokensOut})`, operator, v)));
    case "created_at":
      return join(value.map((v) => compare(sql`${requestLogs.createdAt}`, operator, sql`${String(v)}::timestamptz`)));
    case "token": {
      // A token by its name or its id; the team's tokens are few, so the subquery is cheap.
      const named = or(
        ...value.map((v) => (operator === "contains" ? compare(sql`${gatewayTokens.name}`, "contains", v) : sql`(${gatewayTokens.name} = ${v} or ${gatewayTokens.id} = ${v})`)),
      );
      const tokens = sql`(select ${gatewayTokens.id} from ${gatewayTokens} where ${gatewayTokens.teamId} = ${teamId} and ${named})`;
      return operator === "neq" ? sql`(${requestLogs.tokenId} is null or ${requestLogs.tokenId} not in ${tokens})` : sql`${requestLogs.tokenId} in ${tokens}`;
    }
    case "metadata.key":
      if (operator === "eq") return or(...value.map((v) => sql`${requestLogs.metadata} ? ${String(v)}`))!;
      if (operator === "neq") return and(...value.map((v) => sql`not coalesce(${requestLogs.metadata} ? ${String(v)}, false)`))!;
      return or(...value.map((v) => sql`exists (select 1 from jsonb_object_keys(${requestLogs.metadata}) k where k ilike ${`%${escapeLike(String(v))}%`})`))!;
    case "metadata.value": {
      const any = (v: LogFilterValue) =>
        operator === "contains"
          ? sql`exists (select 1 from jsonb_each_text(${requestLogs.metadata}) e where e.value ilike ${`%${escapeLike(String(v))}%`})`
          : sql`exists (select 1 from jsonb_each_text(${requestLogs.metadata}) e where e.value = ${String(v)})`;
      return operator === "neq" ? and(...value.map((v) => sql`not ${any(v)}`))! : or(...value.map(any))!;
    }
    case "refused": {
      const wanted = new Set(value.map((v) => v === (operator === "eq")));
      if (wanted.size === 2) return sql`true`;
      return wanted.has(true) ? isNull(requestLogs.gatewayId) : isNotNull(requestLogs.gatewayId);
    }
    default:
      return join(value.map((v) => compare(COLUMNS[key], operator, v)));
  }
}

/**
 * The search box: `key=value` is that metadata pair (jsonb containment, served by the GIN index);
 * anything else matches metadata keys or values containing the text.
 */
function searchCondition(search: string): SQL {
  const pair = /^([^=\s]+)=(.*)$/.exec(search);
  if (pair) {
    const [, key, value] = pair as unknown as [string, string, string];
    const candidates: unknown[] = [value];
    if (value === "true" || value === "false") candidates.push(value === "true");
    if (value.trim() !== "" && Number.isFinite(Number(value))) candidates.push(Number(value));
    return or(...candidates.map((candidate) => sql`${requestLogs.metadata} @> ${JSON.stringify({ [key]: candidate })}::jsonb`))!;
  }
  return sql`${requestLogs.metadata}::text ilike ${`%${escapeLike(search)}%`}`;
}

/** Where a list of one team's logs starts: the whole team's (refusals included) or one gateway's. */
export interface LogScope {
  teamId: string;
  /** Unset for the team-wide view. */
  gatewayId?: string;
}

/** The WHERE conditions of a query in its scope; every one starts with team_id (and created_at when bounded), as the indexes do. */
export function logConditions(scope: LogScope, query: LogQuery): SQL[] {
  const where: SQL[] = [eq(requestLogs.teamId, scope.teamId)];
  if (scope.gatewayId) where.push(eq(requestLogs.gatewayId, scope.gatewayId));
  if (query.from) where.push(gte(requestLogs.createdAt, query.from));
  if (query.to) where.push(lt(requestLogs.createdAt, query.to));
  for (const filter of query.filters) where.push(condition(scope.teamId, filter));
  if (query.search?.trim()) where.push(searchCondition(query.search.trim()));
  return where;
}

