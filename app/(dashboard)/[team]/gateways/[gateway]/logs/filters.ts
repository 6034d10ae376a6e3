import type { LogFilters } from "@/lib/services/logs/list";

export type SearchParams = Record<string, string | string[] | undefined>;

export interface ParsedLogQuery {
  filters: LogFilters;
  cursor: string | undefined;
  /** The raw values, to refill the filter form. */
  values: { status: string; provider: string; model: string; from: string; to: string };
  problems: string[];
}

function one(params: SearchParams, name: string): string {
  const value = params[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

/** A `datetime-local` value ("2026-11-22T10:30"), read as UTC like every time on these pages. */
export function parseUtcLocal(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function toUtcLocal(date: Date): string {
  return date.toISOString().slice(0, 16);
}

export function parseLogQuery(params: SearchParams): ParsedLogQuery {
  const values = {
    status: one(params, "status"),
    provider: one(params, "provider"),
    model: one(params, "model"),
    from: one(params, "from"),
    to: one(params, "to"),
  };
  const problems: string[] = [];
  const filters: LogFilters = {};
  if (values.status === "success" || values.status === "error") filters.status = values.status;
  if (values.provider) filters.provider = values.provider;
  if (values.model) filters.model = values.model;
  for (const bound of ["from", "to"] as const) {
    if (!values[bound]) continue;
    const date = parseUtcLocal(values[bound]);
    if (date) filters[bound] = date;
    else problems.push(`"${values[bound]}" is not a date and time; the ${bound} filter is ignored.`);
  }
  if (filters.from && filters.to && filters.from >= filters.to) problems.push("The range ends before it starts, so nothing matches.");
  return { filters, cursor: one(params, "cursor") || undefined, values, problems };
}

/** The query string of the current filters with some values replaced; empty values are dropped. */
export function logQuery(values: ParsedLogQuery["values"], changes: Record<string, string | undefined> = {}): string {
  const merged: Record<string, string | undefined> = { ...values, ...changes };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(merged)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}
