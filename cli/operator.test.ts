import { describe, expect, it } from "vitest";
import { cliOnOwnDatabase } from "@/tests/support/cli";

const { switchyard } = cliOnOwnDatabase("operator", {}, { shared: true });

// Each run starts Node and tsx, and reaches the database this process shares: seconds, not milliseconds.
describe("switchyard operator", { timeout: 180_000 }, () => {
  it("makes a user an operator and takes it back", () => {
    expect(switchyard(["user", "create", "--email", "ops@example.com"]).status).toBe(0);
    expect(switchyard(["operator", "grant", "OPS@example.com"])).toMatchObject({ status: 0, stdout: "ops@example.com is an operator\n" });
    expect(switchyard(["operator", "list"]).stdout).toBe("ops@example.com\n");
    expect(switchyard(["operator", "revoke", "ops@example.com"])).toMatchObject({ status: 0, stdout: "ops@example.com is no longer an operator\n" });
    expect(switchyard(["operator", "grant", "nobody@example.com"])).toMatchObject({
      status: 1,
      stderr: "error: no user with email nobody@example.com; create one with `switchyard user create --email nobody@example.com`\n",
    });
  });

  it("stores operator keys from stdin, pools them only when asked, lists, rotates and removes them by id", () => {
    const secret = "sk-operator-cli-0123456789abcdef";
    const added = switchyard(["operator", "key", "add", "openai", "--json"], `${secret}\n`);
    expect(added.status).toBe(0);
    const first = JSON.parse(added.stdout) as { id: string; preview: string; alias: string };
    expect(first).toMatchObject({ id: expect.stringMatching(/^opk_/), preview: "sk-o…cdef", alias: "default" });

    const taken = switchyard(["operator", "key", "add", "openai"], "sk-operator-cli-second-0000beef\n");
    expect(taken).toMatchObject({ status: 1, stderr: expect.stringContaining("add this one to its pool (the CLI's --pool)") });
    const pooled = switchyard(["operator", "key", "add", "openai", "--pool", "--weight", "3"], "sk-operator-cli-second-0000beef\n");
    expect(pooled).toMatchObject({ status: 0, stdout: expect.stringMatching(/^stored the operator's openai key "default": sk-o…beef \(opk_\S+, weight 3\)\n$/) });
    expect(switchyard(["operator", "key", "add", "custom-mine"], "x\n")).toMatchObject({ status: 1, stderr: expect.stringContaining('unknown provider "custom-mine"') });

    const list = switchyard(["operator", "key", "list"]);
    expect(list.stdout).toMatch(new RegExp(`openai\\s+default\\s+sk-o…cdef\\s+${first.id}\\s+1\\s`));
    expect(list.stdout).toMatch(/openai\s+default\s+sk-o…beef\s+opk_\S+\s+3\s/);
    expect(list.stdout + list.stderr).not.toContain(secret);

    const rotated = switchyard(["operator", "key", "rotate", first.id], "sk-operator-cli-rotated-00001234\n");
    expect(rotated).toMatchObject({ status: 0, stdout: expect.stringContaining(`rotated the operator's openai key "default": sk-o…1234 (${first.id}`) });
    expect(switchyard(["operator", "key", "remove", first.id])).toMatchObject({ status: 0, stdout: expect.stringContaining("removed the operator's openai key") });
    expect(switchyard(["operator", "key", "list"]).stdout).not.toContain(first.id);
    expect(switchyard(["operator", "key", "remove", first.id])).toMatchObject({ status: 1, stderr: `error: operator key ${first.id} not found\n` });
  });

  it("grants a team credits, takes some back, and shows the balance with the ledger", () => {
    expect(switchyard(["team", "create", "acme"]).status).toBe(0);
    const granted = switchyard(["operator", "credits", "grant", "acme", "12.50", "--note", "first top-up"]);
    expect(granted).toMatchObject({ status: 0, stdout: "granted $12.50 to team acme\ngranted   $12.50\nused      $0\nbalance   $12.50\n" });
    expect(switchyard(["operator", "credits", "grant", "acme", "--", "-2"]).status).toBe(0);
    expect(switchyard(["operator", "credits", "grant", "acme", "1.0000001"])).toMatchObject({ status: 1, stderr: expect.stringContaining("at most 6 decimals") });
    expect(switchyard(["operator", "credits", "grant", "acme", "0"])).toMatchObject({ status: 1, stderr: expect.stringContaining("must not be zero") });

    const shown = switchyard(["operator", "credits", "show", "acme"]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^team acme\ngranted   \$10\.50\nused      \$0\nbalance   \$10\.50\n\nGRANTED\s+AMOUNT\s+BY\s+NOTE\n/);
    expect(shown.stdout).toMatch(/UTC\s+-\$2\.00\s+cli\s+-\n.*UTC\s+\$12\.50\s+cli\s+first top-up\n$/);
    const json = JSON.parse(switchyard(["operator", "credits", "show", "acme", "--json"]).stdout);
    expect(json).toMatchObject({ teamSlug: "acme", grantedMicros: 10_500_000, usedMicros: 0, balanceMicros: 10_500_000, grants: [{ amountMicros: -2_000_000 }, { amountMicros: 12_500_000, note: "first top-up" }] });
    expect(switchyard(["operator", "credits", "list"]).stdout).toMatch(/acme\s+\$10\.50\s+\$0\s+\$0\s+\$10\.50\n/);
    expect(switchyard(["operator", "credits", "show", "nope"])).toMatchObject({ status: 1, stderr: 'error: team "nope" not found\n' });
  });
});
