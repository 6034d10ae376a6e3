const NUL = "\u0000";
const REPLACEMENT = "\uFFFD";

/**
 * `value` with NUL and lone UTF-16 surrogates replaced by U+FFFD: Postgres stores neither in text,
 * and refuses the `\u0000` and `\ud800` escapes JSON.stringify writes for them in the batch's JSON
 * parameter, failing the whole batch. Both checks are native scans; a string without them is
 * returned as is, unallocated.
 */
export function safeText(value: string): string {
  if (value.isWellFormed() && !value.includes(NUL)) return value;
  return value.toWellFormed().replaceAll(NUL, REPLACEMENT);
}

/**
 * `value` with every string in it made safe by `safeText`, object keys included, at any depth.
 * What needs no change is returned as is (the same object), so a clean log row costs one scan of
 * its strings and no copy. Dates and other non-plain values pass through.
 */
export function safeJson<T>(value: T): T {
  if (typeof value === "string") return safeText(value) as T;
  if (Array.isArray(value)) return safeArray(value) as T;
  if (value !== null && typeof value === "object" && isPlain(value)) return safeObject(value as Record<string, unknown>) as T;
  return value;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function safeArray(array: unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const safe = safeJson(array[i]);
    if (safe !== array[i]) copy ??= array.slice();
    if (copy) copy[i] = safe;
  }
  return copy ?? array;
}

function safeObject(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  // for…in rather than Object.keys: no array per object. Plain objects inherit no enumerable keys.
  for (const key in object) {
    const item = object[key];
    const safeKey = safeText(key);
    const safeItem = safeJson(item);
    if (!copy && (safeKey !== key || safeItem !== item)) {
      // No prototype, so a "__proto__" key from parsed JSON stays an ordinary key.
      copy = Object.create(null) as Record<string, unknown>;
      for (const earlier in object) {
        if (earlier === key) break;
        copy[earlier] = object[earlier];
      }
    }
    if (copy) copy[safeKey] = safeItem;
  }
  return copy ?? object;
}
