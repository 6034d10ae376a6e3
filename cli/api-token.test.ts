import { describe, expect, it } from "vitest";
import { cliOnOwnDatabase } from "@/tests/support/cli";

const { switchyard } = cliOnOwnDatabase("api-token");

// Each run starts Node, tsx and the embedded database: seconds, not milliseconds.
describe("switchyard api-token", { timeout: 180_000 }, () => {
  it("creates a token shown once, lists it without the secret, and revokes it", () => {
    expect(switchyard(["team", "create", "acme"]).status).toBe(0);
    const created = switchyard(["api-token", "create", "acme", "--name", "deploy", "--scope", "read", "--scope", "edit", "--role", "admin", "--json"]);
    expect(created).toMatchObject({ status: 0, stderr: expect.stringContaining("it will not be shown again") });
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };
    expect(token).toMatch(/^sya_/);

    const listed = switchyard(["api-token", "list", "acme"]);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+deploy\\s+sya_\\S+…\\S{4}\\s+admin\\s+read,edit\\s+active\\s+CLI`));
    expect(listed.stdout).not.toContain(token);

    expect(switchyard(["api-token", "revoke", "acme", id])).toMatchObject({ status: 0, stdout: expect.stringContaining(`revoked API token ${id}`) });
    expect(switchyard(["api-token", "list", "acme"]).stdout).toMatch(/revoked/);
  });

  it("names the field of a bad scope or role", () => {
    const refused = switchyard(["api-token", "create", "acme", "--name", "x", "--scope", "fly", "--role", "boss"]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("scopes.0: ");
    expect(refused.stderr).toContain("role: ");
  });
});
