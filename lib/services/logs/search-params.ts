import { InvalidInputError } from "../errors";
import { parseLogFilters, type LogFilter, type LogFilterKey, type LogFilterOperator, type LogQuery } from "./query";

/**
 * The log pages' URL (and so the export's and the live tail's, which get the page's query string):
 * one plain parameter per form field, each a LogFilter, plus `filters` (Cloudflare's JSON array)
 * for anything the form does not have.
 */
export type SearchParams = Record<string, string | string[] | undefined>;

const FIELDS: Record<string, { key: LogFilterKey; operator: LogFilterOperator }> = {
  status_code: { key: "status_code", operator: "eq" },
  cached: { key: "cached", operator: "eq" },
  provider: { key: "provider", operator: "eq" },
  model: { key: "model", operator: "eq" },
  token: { key: "token", operator: "eq" },
  path: { key: "path", operator: "contains" },
  cost_min: { key: "cost", operator: "gt" },
  cost_max: { key: "cost", operator: "lt" },
  tokens_min: { key: "tokens", operator: "gt" },
  tokens_max: { key: "tokens", operator: "lt" },
  duration_min: { key: "duration", operator: "gt" },
  duration_max: { key: "duration", operator: "lt" },
  feedback: { key: "feedback", operator: "eq" },
  event_id: { key: "event_id", operator: "eq" },
  meta_key: { key: "metadata.key", operator: "eq" },
  meta_value: { key: "metadata.value", operator: "eq" },
  refused: { key: "refused", operator: "eq" },
};

/** The parameters that make up a query (the page's own, `page` and `cursor`, are not among them). */
const LOG_QUERY_PARAMS = ["status", ...Object.keys(FIELDS), "q", "from", "to", "filters"] as const;

export interface ParsedLogSearch {
  query: LogQuery;
  /** The raw values of LOG_QUERY_PARAMS, to refill the form and build links. */
  values: Record<string, string>;
  /** One sentence per parameter that could not be read; that parameter is left out of the query. */
  problems: string[];
}

function one(params: SearchParams | URLSearchParams, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

/** A `datetime-local` value ("2026-11-22T10:30") read as UTC, like every time on these pages; or a full ISO time. */
function parseUtcLocal(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z)?$/.test(value)) return undefined;
  const date = new Date(value.endsWith("Z") ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function toUtcLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** Reads the log pages' parameters into a LogQuery; what cannot be read is named in `problems` and ignored. */
export function parseLogSearch(params: SearchParams | URLSearchParams): ParsedLogSearch {
  const values = Object.fromEntries(LOG_QUERY_PARAMS.map((name) => [name, one(params, name)]));
  const problems: string[] = [];
  const filters: LogFilter[] = [];
  const add = (name: string, raw: unknown) => {
    try {
      filters.push(...parseLogFilters(raw, name));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      problems.push(`${error.message.replace(/^\w+(\[0\])?(\.value\[0\])?: /, `${name}: `)}; that filter is ignored.`);
    }
  };
  if (values.status === "success" || values.status === "error") filters.push({ key: "success", operator: "eq", value: [values.status === "success"] });
  else if (values.status) problems.push(`status: "${values.status}" is neither success nor error; that filter is ignored.`);
  for (const [name, { key, operator }] of Object.entries(FIELDS)) {
    if (values[name]) add(name, [{ key, operator, value: [values[name]] }]);
  }
  if (values.filters) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.filters);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) problems.push("filters: not JSON; that filter is ignored.");
    else add("filters", parsed);
  }
  const query: LogQuery = { filters };
  if (values.q) query.search = values.q.slice(0, 200);
  for (const bound of ["from", "to"] as const) {
    if (!values[bound]) continue;
    const date = parseUtcLocal(values[bound]);
    if (date) query[bound] = date;
    else problems.push(`${bound}: "${values[bound]}" is not a date and time; that filter is ignored.`);
  }
  if (query.from && query.to && query.from >= query.to) problems.push("The range ends before it starts, so nothing matches.");
  return { query, values, problems };
}
