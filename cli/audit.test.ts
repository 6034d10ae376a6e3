import { describe, expect, it } from "vitest";
import { cliOnOwnDatabase } from "@/tests/support/cli";

const { switchyard } = cliOnOwnDatabase("audit", {}, { shared: true });

// Each run starts Node and tsx, and reaches the database this process shares: seconds, not milliseconds.
describe("switchyard audit", { timeout: 180_000 }, () => {
  it("lists and exports the CLI's own changes, recorded as the operator via the CLI", () => {
    expect(switchyard(["team", "create", "acme"]).status).toBe(0);
    expect(switchyard(["gateway", "create", "acme", "prod"]).status).toBe(0);

    const list = switchyard(["audit", "list", "--team", "acme"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^TIME\s+WHO\s+ACTION\s+TARGET\s+VIA\n.*CLI \(operator\)\s+gateway\.create\s+prod\s+cli\n.*CLI \(operator\)\s+team\.create\s+acme\s+cli\n$/);

    const json = JSON.parse(switchyard(["audit", "list", "--team", "acme", "--action", "gateway", "--json"]).stdout) as { events: { action: string; via: string }[]; next: string | null };
    expect(json).toMatchObject({ events: [{ action: "gateway.create", via: "cli" }], next: null });

    const jsonl = switchyard(["audit", "export", "--team", "acme", "--format", "jsonl"]);
    expect(jsonl.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { action: string }).action)).toEqual(["gateway.create", "team.create"]);

    expect(switchyard(["audit", "list", "--team", "acme", "--from", "tomorrow"])).toMatchObject({ status: 1, stderr: expect.stringContaining("from: must be a date and time") });
    expect(switchyard(["audit", "list"])).toMatchObject({ status: 2, stderr: expect.stringContaining("--team <slug>") });
  });
});
