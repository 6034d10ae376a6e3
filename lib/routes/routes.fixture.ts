/**
 * The support route of issue 13, for tests, as people write it (input to schema.ts): free plan to a
 * cheap model behind a per-user rate limit, the rest 90/10 over two models, a model falling back.
 * This one is the API's spelling.
 */
export const apiSpelling = [
  { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
  {
    id: "plan",
    type: "conditional",
    properties: { conditions: { "metadata.plan": { $eq: "free" } } },
    outputs: { true: { elementId: "per-user" }, false: { elementId: "split" } },
  },
  {
    id: "per-user",
    type: "rate",
    properties: { limitType: "count", key: "metadata.user_id", limit: 10, window: 60 },
    outputs: { success: { elementId: "cheap" }, fallback: { elementId: "end" } },
  },
  { id: "split", type: "percentage", outputs: { "90%": { elementId: "main" }, else: { elementId: "trial" } } },
  { id: "cheap", type: "model", properties: { provider: "groq", model: "llama-3.1-8b-instant" }, outputs: { success: { elementId: "end" } } },
  {
    id: "main",
    type: "model",
    properties: { provider: "openai", model: "gpt-4o", timeout: 10_000, retries: 2 },
    outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } },
  },
  { id: "trial", type: "model", properties: { provider: "anthropic", model: "claude-sonnet-4-5" }, outputs: { success: { elementId: "end" } } },
  { id: "end", type: "end", outputs: {} },
];

/** The same route in the docs' spelling: `rate_limit`, `interval`, `condition`, `properties: {}` on start and end. */
export const docsSpelling = apiSpelling.map((element) => {
  if (element.id === "plan") return { ...element, properties: { condition: { "metadata.plan": { $eq: "free" } } } };
  if (element.id === "per-user") {
    return { ...element, type: "rate_limit", properties: { limitType: "count", key: "metadata.user_id", limit: 10, interval: 60, technique: "fixed" } };
  }
  if (element.type === "start") return { ...element, properties: {} };
  if (element.type === "end") return { id: "end", type: "end", properties: {} };
  return element;
});
