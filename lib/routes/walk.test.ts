import { describe, expect, it } from "vitest";
import { percentageBucket } from "./percentage";
import { apiSpelling } from "./routes.fixture";
import { parseRouteElements } from "./schema";
import type { RouteElement } from "./types";
import { runRoute, type RouteHooks, type RouteInput } from "./walk";

const elementsOf = (input: unknown[]): RouteElement[] => {
  const parsed = parseRouteElements(input);
  if ("problems" in parsed) throw new Error(JSON.stringify(parsed.problems));
  return parsed.elements;
};
const support = { elements: elementsOf(apiSpelling) };
const to = (elementId: string) => ({ elementId });

const request = (metadata: RouteInput["metadata"], seed = "seed-1", headers: Record<string, string> = {}): RouteInput => ({
  body: { model: "dynamic/support", messages: [{ role: "user", content: "hi" }] },
  header: (name) => headers[name.toLowerCase()],
  metadata,
  seed,
});

/** Hooks that record their calls: models in `failing` fail, rate elements in `over` refuse. */
function hooks(failing: string[] = [], over: string[] = []) {
  const calls: string[] = [];
  const keys: (string | undefined)[] = [];
  const recorded: RouteHooks = {
    rate: (element, keyValue) => {
      calls.push(element.id);
      keys.push(keyValue);
      return Promise.resolve(over.includes(element.id) ? { admitted: false, detail: "10 of 10 in 60 s" } : { admitted: true });
    },
    model: (element) => {
      calls.push(element.id);
      return Promise.resolve(failing.includes(element.id) ? { ok: false, detail: "HTTP 503" } : { ok: true });
    },
  };
  return { calls, keys, hooks: recorded };
}

/** A seed whose bucket at `elementId` falls in [from, to). */
function seedIn(elementId: string, from: number, to: number): string {
  for (let index = 0; ; index++) {
    const bucket = percentageBucket(`seed-${index}`, elementId);
    if (bucket >= from && bucket < to) return `seed-${index}`;
  }
}

describe("runRoute", () => {
  it("takes the free plan through the rate element to the cheap model, recording each step", async () => {
    const recorder = hooks();
    const run = await runRoute(support, request({ plan: "free", user_id: "u1" }), recorder.hooks);
    expect(run.path).toEqual([
      { elementId: "start", type: "start", output: "next" },
      { elementId: "plan", type: "conditional", output: "true", detail: 'metadata.plan = "free"' },
      { elementId: "per-user", type: "rate", output: "success" },
      { elementId: "cheap", type: "model", output: "success" },
      { elementId: "end", type: "end" },
    ]);
    expect(run.outcome).toEqual({ kind: "answered", element: support.elements.find((element) => element.id === "cheap") });
    expect(recorder.calls).toEqual(["per-user", "cheap"]);
    expect(recorder.keys).toEqual(["u1"]);
    // Logged as JSON: steps carry no empty fields.
    expect(run.path).toStrictEqual(JSON.parse(JSON.stringify(run.path)));
  });

  it("passes the rate key's value: absent, or JSON for numbers", async () => {
    const recorder = hooks();
    await runRoute(support, request({ plan: "free" }), recorder.hooks);
    await runRoute(support, request({ plan: "free", user_id: 42 }), recorder.hooks);
    expect(recorder.keys).toEqual([undefined, "42"]);
  });

  it("splits by the seed's bucket: 90% to main, else to trial", async () => {
    const main = await runRoute(support, request({ plan: "pro" }, seedIn("split", 0, 90)), hooks().hooks);
    expect(main.path[2]).toEqual({ elementId: "split", type: "percentage", output: "90%", detail: expect.stringMatching(/^bucket \d+ of 100$/) });
    expect(main.outcome).toMatchObject({ kind: "answered", element: { id: "main" } });
    const trial = await runRoute(support, request({ plan: "pro" }, seedIn("split", 90, 100)), hooks().hooks);
    expect(trial.path[2]).toMatchObject({ output: "else" });
    expect(trial.outcome).toMatchObject({ kind: "answered", element: { id: "trial" } });
  });

  it("follows a failed model's fallback, and answers with the model that succeeded", async () => {
    const recorder = hooks(["main"]);
    const run = await runRoute(support, request({ plan: "pro" }, seedIn("split", 0, 90)), recorder.hooks);
    expect(run.path.slice(3)).toEqual([
      { elementId: "main", type: "model", output: "fallback", detail: "HTTP 503" },
      { elementId: "cheap", type: "model", output: "success" },
      { elementId: "end", type: "end" },
    ]);
    expect(run.outcome).toMatchObject({ kind: "answered", element: { id: "cheap" } });
    expect(recorder.calls).toEqual(["main", "cheap"]);
  });

  it("fails with the last failure when a failed model has no fallback", async () => {
    const run = await runRoute(support, request({ plan: "pro" }, seedIn("split", 0, 90)), hooks(["main", "cheap"]).hooks);
    expect(run.path.at(-1)).toEqual({ elementId: "cheap", type: "model", output: "fallback", detail: "HTTP 503" });
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "model_failed", element: { id: "cheap" } });
  });

  it("ends with the answer of a model that has no success output", async () => {
    const route = { elements: elementsOf([{ id: "s", type: "start", outputs: { next: to("m") } }, { id: "m", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: {} }]) };
    const run = await runRoute(route, request(undefined), hooks().hooks);
    expect(run.path).toEqual([
      { elementId: "s", type: "start", output: "next" },
      { elementId: "m", type: "model", output: "success" },
    ]);
    expect(run.outcome).toMatchObject({ kind: "answered", element: { id: "m" } });
  });

  it("takes a rate element's fallback over the limit", async () => {
    const recorder = hooks([], ["per-user"]);
    const run = await runRoute(support, request({ plan: "free", user_id: "u1" }), recorder.hooks);
    expect(run.path.slice(2)).toEqual([
      { elementId: "per-user", type: "rate", output: "fallback", detail: "10 of 10 in 60 s" },
      { elementId: "end", type: "end" },
    ]);
    expect(run.outcome).toEqual({ kind: "failed", reason: "no_model" });
    expect(recorder.calls).toEqual(["per-user"]);
  });

  it("fails rate-limited over a limit without fallback", async () => {
    const route = {
      elements: elementsOf([
        { id: "s", type: "start", outputs: { next: to("r") } },
        { id: "r", type: "rate_limit", properties: { limitType: "count", key: "headers.x-user", limit: 1, interval: 60 }, outputs: { success: to("m") } },
        { id: "m", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: {} },
      ]),
    };
    const recorder = hooks([], ["r"]);
    const run = await runRoute(route, request(undefined, "s", { "x-user": "ana" }), recorder.hooks);
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "rate_limited", element: { id: "r" } });
    expect(run.path.at(-1)).toEqual({ elementId: "r", type: "rate", output: "fallback", detail: "10 of 10 in 60 s" });
    expect(recorder.keys).toEqual(["ana"]);
  });

  it("answers at end with the last model that succeeded, or fails with the last that failed", async () => {
    const route = {
      elements: elementsOf([
        { id: "s", type: "start", outputs: { next: to("a") } },
        { id: "a", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: { success: to("e"), fallback: to("e") } },
        { id: "e", type: "end" },
      ]),
    };
    expect((await runRoute(route, request(undefined), hooks().hooks)).outcome).toMatchObject({ kind: "answered", element: { id: "a" } });
    expect((await runRoute(route, request(undefined), hooks(["a"]).hooks)).outcome).toMatchObject({ kind: "failed", reason: "model_failed", element: { id: "a" } });
  });

  it("stops on routes validation would refuse: no start, a dangling output, a cycle", async () => {
    const model = { id: "m", type: "model", properties: { provider: "openai", model: "gpt-4o" } };
    expect(await runRoute({ elements: elementsOf([{ ...model, outputs: {} }]) }, request(undefined), hooks().hooks)).toEqual({
      path: [],
      outcome: { kind: "failed", reason: "invalid_route", element: undefined },
    });
    const dangling = await runRoute({ elements: elementsOf([{ id: "s", type: "start", outputs: { next: to("gone") } }]) }, request(undefined), hooks().hooks);
    expect(dangling.outcome).toMatchObject({ kind: "failed", reason: "invalid_route", element: { id: "s" } });
    const cycle = elementsOf([{ id: "s", type: "start", outputs: { next: to("m") } }, { ...model, outputs: { fallback: to("m") } }]);
    const recorder = hooks(["m"]);
    const run = await runRoute({ elements: cycle }, request(undefined), recorder.hooks);
    expect(run.outcome).toMatchObject({ kind: "failed", reason: "invalid_route" });
    expect(recorder.calls.length).toBeLessThanOrEqual(cycle.length);
  });
});
