import { z } from "zod";
import { InvalidInputError } from "@/lib/services/errors";
import type { ResultInfo } from "./envelope";

const PAGE_MAX = 1_000_000;

/** Cloudflare's `page` and `per_page` query parameters; `per_page` up to `maxPerPage`. */
export function pageQuery({ perPage = 20, maxPerPage = 100 }: { perPage?: number; maxPerPage?: number } = {}) {
  const wholeNumber = (max: number) => {
    const message = `must be a whole number from 1 to ${max}`;
    return z.coerce.number().int(message).min(1, message).max(max, message);
  };
  return z.object({ page: wholeNumber(PAGE_MAX).default(1), per_page: wholeNumber(maxPerPage).default(perPage) });
}

/** One page of a list the service returned whole (lists of a team's gateways, keys, tokens are short). */
export function paginate<T>(all: readonly T[], { page, per_page }: { page: number; per_page: number }): { items: T[]; resultInfo: ResultInfo } {
  const items = all.slice((page - 1) * per_page, page * per_page);
  return { items, resultInfo: { page, per_page, count: items.length, total_count: all.length } };
}

/** A whole-number query parameter from 1 to `max`, `fallback` when absent, for handlers that read the URL one parameter at a time. */
export function pageParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidInputError({ field: name, message: `must be a whole number from 1 to ${max}` });
  return value;
}
