import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliOnOwnDatabase } from "@/tests/support/cli";

const { switchyard, dataDir } = cliOnOwnDatabase("route", {}, { shared: true });

/** In the docs' spelling (rate_limit, interval, condition): import reads both. */
const SUPPORT = {
  name: "support",
  elements: [
    { id: "start", type: "start", outputs: { next: { elementId: "plan" } } },
    { id: "plan", type: "conditional", properties: { condition: { "metadata.plan": "free" } }, outputs: { true: { elementId: "cheap" }, false: { elementId: "limit" } } },
    {
      id: "limit",
      type: "rate_limit",
      properties: { limitType: "count", key: "metadata.user_id", limit: 100, interval: 3600, technique: "fixed" },
      outputs: { success: { elementId: "main" }, fallback: { elementId: "cheap" } },
    },
    { id: "main", type: "model", properties: { provider: "openai", model: "gpt-4o" }, outputs: { success: { elementId: "end" }, fallback: { elementId: "cheap" } } },
    { id: "cheap", type: "model", properties: { provider: "openai", model: "gpt-4o-mini" }, outputs: { success: { elementId: "end" } } },
    { id: "end", type: "end", outputs: {} },
  ],
};

// Each run starts Node and tsx, and reaches the database this process shares: seconds, not milliseconds.
describe("switchyard route", { timeout: 300_000 }, () => {
  it("imports a route from a file, lists it and deploys it", () => {
    expect(switchyard(["team", "create", "acme"]).status).toBe(0);
    expect(switchyard(["gateway", "create", "acme", "prod"]).status).toBe(0);
    const file = path.join(dataDir, "support.json");
    writeFileSync(file, JSON.stringify(SUPPORT));

    expect(switchyard(["route", "import", "acme", "prod", file])).toMatchObject({
      status: 0,
      stdout: "created route support version 1; deploy it with: switchyard route deploy acme prod support 1\n",
    });
    expect(switchyard(["route", "list", "acme", "prod"]).stdout).toMatch(/^NAME\s+ID\s+DEPLOYED\s+LATEST\s+MODIFIED\nsupport\s+rt_\S+\s+-\s+v1\s/);
    expect(switchyard(["route", "deploy", "acme", "prod", "support", "1"])).toMatchObject({ status: 0, stdout: "deployed route support version 1\n" });

  });

  it("imports the next version from stdin and shows which version is deployed", () => {
    // A second import of the same name is the route's next version, read from stdin.
    const cheaper = { ...SUPPORT, elements: SUPPORT.elements.map((e) => (e.id === "main" ? { ...e, properties: { provider: "openai", model: "gpt-4.1-mini" } } : e)) };
    expect(switchyard(["route", "import", "acme", "prod", "-"], JSON.stringify(cheaper))).toMatchObject({ status: 0, stdout: expect.stringContaining("saved route support version 2") });
    expect(switchyard(["route", "deploy", "acme", "prod", "support", "2"]).status).toBe(0);
    expect(switchyard(["route", "versions", "acme", "prod", "support"]).stdout).toMatch(/^VERSION\s+STATE\s+SAVED\s+PROBLEMS\n2\s+deployed\s.*\n1\s+valid\s/);

  });

  it("tests a sample request: the path, the model, and the fallback when a model is assumed to fail", () => {
    const tested = switchyard(["route", "test", "acme", "prod", "support", "--metadata", "plan=pro", "--metadata", "user_id=u1", "--fail", "main"]);
    expect(tested).toMatchObject({
      status: 0,
      stdout: "path: start —next→ plan —false→ limit —success→ main —fallback→ cheap —success→ end\nmodel: openai/gpt-4o-mini (element cheap)\n",
    });
    const overLimit = switchyard(["route", "test", "acme", "prod", "support", "--json", "--metadata", "plan=pro", "--over-limit", "limit"]);
    expect(JSON.parse(overLimit.stdout)).toMatchObject({ model: { elementId: "cheap" }, version: 2 });

  });

  it("exports the deployed version in the API's spelling, or another version, and rolls back", () => {
    const exported = switchyard(["route", "export", "acme", "prod", "support"]);
    expect(exported.stderr).toBe("route support version 2\n");
    const route = JSON.parse(exported.stdout) as { name: string; elements: { type: string; properties?: Record<string, unknown> }[] };
    // Exported in the API's spelling, whichever was imported.
    expect(route.elements.find((e) => e.type === "rate")?.properties).toMatchObject({ window: 3600 });
    expect(route.elements.find((e) => e.properties?.model === "gpt-4.1-mini")).toBeDefined();
    expect(JSON.parse(switchyard(["route", "export", "acme", "prod", "support", "--version", "1"]).stdout).elements).toContainEqual(
      expect.objectContaining({ properties: { provider: "openai", model: "gpt-4o" } }),
    );

    expect(switchyard(["route", "rollback", "acme", "prod", "support"])).toMatchObject({ status: 0, stdout: "rolled route support back to version 1\n" });
  });

  it("names what is wrong and exits 1", () => {
    const broken = { name: "broken", elements: [{ id: "start", type: "start", outputs: { next: { elementId: "m" } } }, { id: "m", type: "model", properties: { provider: "openai" }, outputs: {} }] };
    expect(switchyard(["route", "import", "acme", "prod", "-"], JSON.stringify(broken))).toMatchObject({
      status: 1,
      stderr: 'error: element "m" properties.model: is required\n',
    });
    expect(switchyard(["route", "import", "acme", "prod", "-"], "{ not json")).toMatchObject({ status: 1, stderr: expect.stringMatching(/^error: stdin is not JSON/) });
    const unreachable = { name: "draft", elements: [...SUPPORT.elements, { id: "lost", type: "end", outputs: {} }] };
    const saved = switchyard(["route", "import", "acme", "prod", "-"], JSON.stringify(unreachable));
    expect(saved).toMatchObject({ status: 0, stdout: expect.stringContaining('it cannot be deployed yet: element "lost": no path from the start element reaches "lost"') });
    expect(switchyard(["route", "deploy", "acme", "prod", "draft", "1"])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('version 1 of route "draft" cannot be deployed: element "lost"'),
    });
    expect(switchyard(["route", "deploy", "acme", "prod", "nope", "1"])).toMatchObject({ status: 1, stderr: 'error: route "nope" not found in gateway "prod"\n' });
  });
});
