import type { RouteElement } from "@/lib/routes/types";

/**
 * A new route's first elements: free-plan users to a cheap model, everyone else 90/10 over two
 * models, the main model falling back to the cheap one.
 */
export const STARTER_ELEMENTS: RouteElement[] = [
  { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
  {
    id: "plan",
    type: "conditional",
    properties: { conditions: { "metadata.plan": { $eq: "free" } } },
    outputs: { true: { elementId: "cheap" }, false: { elementId: "split" } },
  },
  { id: "split", type: "percentage", outputs: { "90%": { elementId: "main" }, else: { elementId: "challenger" } } },
  {
    id: "main",
    type: "model",
    properties: { provider: "openai", model: "gpt-4o", timeout: 30000, retries: 1 },
    outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } },
  },
  {
    id: "challenger",
    type: "model",
    properties: { provider: "openai", model: "gpt-4.1", timeout: 30000, retries: 1 },
    outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } },
  },
  { id: "cheap", type: "model", properties: { provider: "openai", model: "gpt-4o-mini", timeout: 30000, retries: 1 }, outputs: { success: { elementId: "end" } } },
  { id: "end", type: "end", outputs: {} },
];
