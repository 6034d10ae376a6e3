/** Headers worth seeing at a glance on the log detail page; the rest sit behind "All headers". */
const IMPORTANT = [
  /^content-type$/,
  /^user-agent$/,
  /^authorization$/,
  /^x-api-key$/,
  /^cf-aig-/,
  /^x-request-id$/,
  /^openai-/,
  /^x-ratelimit-/,
  /^retry-after$/,
];

export function splitHeaders(headers: Record<string, string> | null): { important: [string, string][]; rest: [string, string][] } {
  const entries = Object.entries(headers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const important = entries.filter(([name]) => IMPORTANT.some((pattern) => pattern.test(name)));
  const rest = entries.filter(([name]) => !IMPORTANT.some((pattern) => pattern.test(name)));
  return { important, rest };
}

/** Pretty JSON when the text is JSON, else the text as it is. */
export function formatBody(text: string): { text: string; json: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}
