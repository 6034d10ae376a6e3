/** A page's query string ("?a=1&b=2", or "" for none) from `values` with some replaced; empty values are dropped. */
export function searchString(values: Record<string, string | undefined>, changes: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...changes })) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}
