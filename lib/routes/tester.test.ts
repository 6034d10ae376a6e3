import { describe, expect, it } from "vitest";
import { percentageBucket } from "./percentage";
import { apiSpelling } from "./routes.fixture";
import { parseRouteElements } from "./schema";
import { testRoute } from "./tester";
import type { RouteElement } from "./types";
import { runRoute } from "./walk";

const parsed = parseRouteElements(apiSpelling);
if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
const support = { elements: parsed.elements };
const body = { model: "dynamic/support", messages: [{ role: "user", content: "hi" }] };

const model = (elementId: string) => {
  const element = support.elements.find((candidate): candidate is Extract<RouteElement, { type: "model" }> => candidate.id === elementId)!;
  return { elementId, provider: element.properties.provider, model: element.properties.model };
};

function eventIdIn(from: number, to: number): string {
  for (let index = 0; ; index++) {
    const bucket = percentageBucket(`event-${index}`, "split");
    if (bucket >= from && bucket < to) return `event-${index}`;
  }
}

describe("testRoute", () => {
  it("shows the path and the model a free-plan request would take, and what comes after it fails", async () => {
    const result = await testRoute(support, { body, metadata: { plan: "free", user_id: "u1" } });
    expect(result.path.map((step) => `${step.elementId}:${step.output ?? ""}`)).toEqual(["start:next", "plan:true", "per-user:success", "cheap:success", "end:"]);
    expect(result.path[2]!.detail).toBe('key metadata.user_id = "u1"');
    expect(result.model).toEqual(model("cheap"));
    expect(result.fallbacks).toEqual([]);
    expect(result.seed).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("splits by the sample's cf-aig-event-id (any case) and returns it as the seed", async () => {
    const toMain = eventIdIn(0, 90);
    const main = await testRoute(support, { body, headers: { "CF-AIG-Event-ID": toMain }, metadata: { plan: "pro" } });
    expect(main.seed).toBe(toMain);
    expect(main.model).toEqual(model("main"));
    expect(main.fallbacks).toEqual([model("cheap")]);
    const trial = await testRoute(support, { body, headers: { "cf-aig-event-id": eventIdIn(90, 100) }, metadata: { plan: "pro" } });
    expect(trial.model).toEqual(model("trial"));
    expect(trial.fallbacks).toEqual([]);
  });

  it("assumes the models and rate elements it is told fail or are over", async () => {
    const headers = { "cf-aig-event-id": eventIdIn(0, 90) };
    const failing = await testRoute(support, { body, headers, metadata: { plan: "pro" } }, { failing: ["main"] });
    expect(failing.path.map((step) => `${step.elementId}:${step.output ?? ""}`)).toEqual(["start:next", "plan:false", "split:90%", "main:fallback", "cheap:success", "end:"]);
    expect(failing.model).toEqual(model("cheap"));
    const allFailing = await testRoute(support, { body, headers, metadata: { plan: "pro" } }, { failing: ["main", "cheap"] });
    expect(allFailing.model).toBeUndefined();
    expect(allFailing.outcome).toMatchObject({ kind: "failed", reason: "model_failed", element: { id: "cheap" } });
    const over = await testRoute(support, { body, metadata: { plan: "free" } }, { overLimit: ["per-user"] });
    expect(over.path[2]).toEqual({ elementId: "per-user", type: "rate", output: "fallback", detail: "assumed over the limit" });
    expect(over.outcome).toEqual({ kind: "failed", reason: "no_model" });
    expect(over.model).toBeUndefined();
  });

  it("agrees with the walk the data plane runs, over a corpus of requests", async () => {
    for (let index = 0; index < 200; index++) {
      const eventId = `event-${index}`;
      const metadata = { plan: index % 3 === 0 ? "free" : "pro", user_id: `u${index % 7}` };
      const failing = index % 5 === 0 ? ["main"] : [];
      const tested = await testRoute(support, { body, headers: { "cf-aig-event-id": eventId }, metadata }, { failing });
      const walked = await runRoute(
        support,
        { body, header: (name) => (name === "cf-aig-event-id" ? eventId : undefined), metadata, seed: eventId },
        { rate: () => Promise.resolve({ admitted: true }), model: (element) => Promise.resolve({ ok: !failing.includes(element.id) }) },
      );
      expect(tested.path.map(({ elementId, output }) => [elementId, output])).toEqual(walked.path.map(({ elementId, output }) => [elementId, output]));
      expect(tested.outcome).toEqual(walked.outcome);
    }
  });
});
