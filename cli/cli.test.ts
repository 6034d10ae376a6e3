import { randomBytes } from "node:crypto";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliOnOwnDatabase } from "@/tests/support/cli";

const { switchyard, dataDir } = cliOnOwnDatabase("main", { SWITCHYARD_PUBLIC_URL: "https://ai.example.com" }, { shared: true });

// Each run starts Node and tsx, and reaches the database this process shares: seconds, not milliseconds.
describe("switchyard CLI", { timeout: 180_000 }, () => {
  it("sets up a team: gateway, token, stored key, URLs", () => {
    expect(switchyard(["team", "create", "acme"])).toMatchObject({ status: 0, stdout: expect.stringContaining("created team acme") });

    const gateway = switchyard(["gateway", "create", "acme", "prod", "--authentication", "--cache-ttl", "60", "--json"]);
    expect(gateway.status).toBe(0);
    expect(JSON.parse(gateway.stdout)).toMatchObject({ slug: "prod", authentication: true, cacheTtl: 60 });

    const token = switchyard(["token", "create", "acme", "--name", "ci", "--gateway", "prod", "--json"]);
    expect(token.status).toBe(0);
    expect(token.stderr).toContain("it will not be shown again");
    expect(JSON.parse(token.stdout)).toMatchObject({ token: expect.stringMatching(/^sy_/), name: "ci", gatewaySlugs: ["prod"] });

    const secret = "sk-proj-cli-test-0123456789abcdef";
    const added = switchyard(["key", "add", "acme", "openai", "--gateway", "prod"], `${secret}\n`);
    expect(added).toMatchObject({ status: 0, stdout: expect.stringContaining("sk-p…cdef") });

    const keys = switchyard(["key", "list", "acme"]);
    expect(keys.status).toBe(0);
    expect(keys.stdout).toMatch(/openai\s+default\s+prod\s+sk-p…cdef/);
    expect(keys.stdout).toMatch(/MASTER KEY\s+WRAPPED\n.*\s+v1\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    expect(keys.stdout + keys.stderr).not.toContain(secret);

    const urls = switchyard(["urls", "acme", "prod", "--json"]);
    expect(JSON.parse(urls.stdout)).toMatchObject({ compat: "https://ai.example.com/v1/acme/prod/compat" });
  });

  it("sets guardrails and DLP from JSON files, shows them, refuses bad ones naming the field, and turns them off with none", () => {
    const guardrails = path.join(dataDir, "guardrails.json");
    writeFileSync(guardrails, JSON.stringify({ prompt: { S1: "BLOCK" }, response: { S10: "FLAG" }, evaluator: { kind: "openai-moderation" } }));
    const dlp = path.join(dataDir, "dlp.json");
    writeFileSync(
      dlp,
      JSON.stringify({
        enabled: true,
        policies: [{ id: "pii", enabled: true, action: "REDACT", check: ["REQUEST"], profiles: ["credit_card", "codes"] }],
        custom_profiles: [{ id: "codes", patterns: [{ id: "code", regex: "project-\\d{4}" }] }],
        header_selects_policies: true,
      }),
    );
    const set = switchyard(["gateway", "update", "acme", "prod", "--guardrails", guardrails, "--dlp", dlp]);
    expect(set.status).toBe(0);
    expect(set.stdout).toMatch(/guardrails\s+prompt: S1 BLOCK; response: S10 FLAG; evaluator: openai-moderation\n/);
    expect(set.stdout).toMatch(/dlp\s+on; policies: pii \[credit_card, codes\] REQUEST REDACT; custom profiles: codes; cf-aig-dlp-policies may choose\n/);

    const bad = path.join(dataDir, "bad-dlp.json");
    writeFileSync(bad, JSON.stringify({ enabled: true, action: "BLOCK", profiles: ["codes"], custom_profiles: [{ id: "codes", patterns: [{ id: "p", regex: "(?<=x)y" }] }] }));
    expect(switchyard(["gateway", "update", "acme", "prod", "--dlp", bad])).toMatchObject({
      status: 1,
      stderr: "error: dlp.custom_profiles.0.patterns.0.regex: RE2 cannot run this pattern: lookbehind ((?<=…) and (?<!…)) is not supported\n",
    });
    expect(switchyard(["gateway", "update", "acme", "prod", "--guardrails", path.join(dataDir, "nope.json")])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("no such file"),
    });
    writeFileSync(bad, "{ prompt");
    expect(switchyard(["gateway", "update", "acme", "prod", "--guardrails", bad])).toMatchObject({ status: 2, stderr: expect.stringContaining("not JSON") });

    const shown = JSON.parse(switchyard(["gateway", "show", "acme", "prod", "--json"]).stdout) as { guardrails: unknown; dlp: { policies: unknown[] } };
    expect(shown.guardrails).toEqual({ prompt: { S1: "BLOCK" }, response: { S10: "FLAG" }, evaluator: { kind: "openai-moderation" } });
    expect(shown.dlp.policies).toEqual([{ id: "pii", enabled: true, profiles: ["credit_card", "codes"], actions: { REQUEST: "REDACT" } }]);

    const off = switchyard(["gateway", "update", "acme", "prod", "--guardrails", "none", "--dlp", "none"]);
    expect(off.stdout).toMatch(/guardrails\s+off\n/);
    expect(off.stdout).toMatch(/dlp\s+none\n/);
  });

  it("sets the request timeout and the cache key's metadata keys, and shows them", () => {
    const updated = switchyard(["gateway", "update", "acme", "prod", "--request-timeout", "1500", "--cache-key-metadata", "user, tenant"]);
    expect(updated.status).toBe(0);
    expect(updated.stdout).toMatch(/cache key metadata\s+user, tenant\n/);
    expect(updated.stdout).toMatch(/request timeout\s+1500ms\n/);
    const cleared = switchyard(["gateway", "update", "acme", "prod", "--no-request-timeout", "--no-cache-key-metadata", "--json"]);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ requestTimeoutMs: null, cacheKeyMetadata: [] });
    const refused = switchyard(["gateway", "update", "acme", "prod", "--cache-key-metadata", "cf.user"]);
    expect(refused).toMatchObject({
      status: 1,
      stderr: 'error: cacheKeyMetadata: metadata key "cf.user" starts with "cf.", which is reserved for the gateway\'s own keys\n',
    });
  });

  it("sets OpenTelemetry collectors from a JSON file, never shows their credentials again, and keeps them when saved back", () => {
    const file = path.join(dataDir, "otel.json");
    writeFileSync(file, JSON.stringify([{ url: "https://collector.example/v1/traces", authorization: "Bearer otel-cli-secret", content_type: "protobuf" }]));
    const set = switchyard(["gateway", "update", "acme", "prod", "--otel", file]);
    expect(set.status).toBe(0);
    expect(set.stdout).toMatch(/otel\s+https:\/\/collector\.example\/v1\/traces \(protobuf\)\n/);
    const shown = switchyard(["gateway", "show", "acme", "prod", "--json"]);
    expect(shown.stdout).not.toContain("otel-cli-secret");
    const [collector] = (JSON.parse(shown.stdout) as { otel: Record<string, unknown>[] }).otel;
    expect(collector).toMatchObject({ authorization: "[stored]" });
    writeFileSync(file, JSON.stringify([collector]));
    expect(switchyard(["gateway", "update", "acme", "prod", "--otel", file]).status).toBe(0);
    writeFileSync(file, JSON.stringify([{ url: "ftp://collector.example" }]));
    expect(switchyard(["gateway", "update", "acme", "prod", "--otel", file])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("otel.0.url: must be an http:// or https:// URL"),
    });
    expect(JSON.parse(switchyard(["gateway", "update", "acme", "prod", "--otel", "none", "--json"]).stdout)).toMatchObject({ otel: null });
  });

  it("keeps a pool of keys under one alias: added with --pool and a weight, listed with ids, reweighted and removed by id", () => {
    const second = "sk-proj-cli-pool-second-0000beef";
    const refused = switchyard(["key", "add", "acme", "openai", "--gateway", "prod"], `${second}\n`);
    expect(refused).toMatchObject({ status: 1, stderr: expect.stringContaining("add this one to its pool (the form's \"Add to the pool\", the CLI's --pool)") });
    const added = switchyard(["key", "add", "acme", "openai", "--gateway", "prod", "--pool", "--weight", "3", "--json"], `${second}\n`);
    expect(added.status).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(JSON.parse(added.stdout)).toMatchObject({ weight: 3, preview: "sk-p…beef" });

    const list = switchyard(["key", "list", "acme"]);
    expect(list.stdout).toMatch(/openai\s+default\s+prod\s+sk-p…cdef\s+pk_\S+\s+1 of 2\s+1\s/);
    expect(list.stdout).toMatch(new RegExp(`openai\\s+default\\s+prod\\s+sk-p…beef\\s+${id}\\s+2 of 2\\s+3\\s`));
    expect(list.stdout + list.stderr).not.toContain(second);

    const ambiguous = switchyard(["key", "remove", "acme", "openai", "--gateway", "prod"]);
    expect(ambiguous).toMatchObject({ status: 1, stderr: expect.stringContaining('is a pool of 2 keys; name one by its id') });
    expect(switchyard(["key", "weight", "acme", id, "5"])).toMatchObject({ status: 0, stdout: expect.stringContaining("now has weight 5") });
    expect(switchyard(["key", "remove", "acme", "openai", "--id", id])).toMatchObject({ status: 0, stdout: expect.stringContaining("removed the openai key") });
    expect(switchyard(["key", "list", "acme"]).stdout).not.toContain(id);
  });

  it("rewraps the stored keys under a master key added to master.key", () => {
    // The first run generated master.key with v1; a new version goes on a line of its own.
    const masterKeyFile = path.join(dataDir, "master.key");
    appendFileSync(masterKeyFile, `v2:${randomBytes(32).toString("base64")}\n`);
    expect(readFileSync(masterKeyFile, "utf8")).toMatch(/^v1:\S+\nv2:\S+\n$/);

    const rewrap = switchyard(["keys", "rewrap"]);
    expect(rewrap).toMatchObject({ status: 0, stderr: "" });
    expect(rewrap.stdout).toBe(
      "master key v2\nprovider keys: 1 rewrapped, 0 already current, 0 failed\noperator keys: 0 rewrapped, 0 already current, 0 failed\n" +
        "playground tokens: 0 rewrapped, 0 already current, 0 failed\n",
    );
    expect(switchyard(["key", "list", "acme"]).stdout).toMatch(/sk-p…cdef.*\s+v2\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);

    const again = switchyard(["key", "rewrap", "--json"]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ masterKeyVersion: "v2", providerKeys: { rewrapped: 0, alreadyCurrent: 1, failed: [] } });
  });

  it("composes a structured key from --field and stdin, and lists what identifies it", () => {
    const accountId = "0123456789abcdef0123456789abcdef";
    const token = "cf-workers-ai-token-SECRETPART";
    const added = switchyard(
      ["key", "add", "acme", "workers-ai", "--field", `accountId=${accountId}`, "--base-url", "https://api.cloudflare.com/client/v4/accounts/x/ai"],
      `${token}\n`,
    );
    expect(added).toMatchObject({ status: 0, stdout: expect.stringContaining(`account ${accountId} · …PART`) });
    const keys = switchyard(["key", "list", "acme"]);
    expect(keys.stdout).toMatch(new RegExp(`workers-ai\\s+default\\s+\\(all\\)\\s+account ${accountId} · …PART`));
    expect(keys.stdout + keys.stderr).not.toContain("SECRETPART");

    // --secret-file fills the field no --field set; a file keeps the secret out of shell history too.
    const file = path.join(dataDir, "token.txt");
    writeFileSync(file, "cf-workers-ai-token-ROTATED1\n");
    const rotated = switchyard(["key", "rotate", "acme", "workers-ai", "--field", "accountId=feedface", "--secret-file", file]);
    expect(rotated).toMatchObject({ status: 0, stdout: expect.stringContaining("account feedface · …TED1") });

    const secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const bedrock = switchyard(
      ["key", "add", "acme", "aws-bedrock", "--field", "accessKeyId=AKIAIOSFODNN7EXAMPLE", "--field", "region=eu-west-1"],
      `${secretAccessKey}\n`,
    );
    expect(bedrock).toMatchObject({ status: 0, stdout: expect.stringContaining("key …MPLE · eu-west-1") });
    expect(bedrock.stdout + bedrock.stderr).not.toContain(secretAccessKey);

    // Without --field, stdin (or --secret) is the whole key as stored: a Bedrock key's JSON, as the README pipes it.
    const whole = JSON.stringify({ accessKeyId: "AKIAIOSFODNN7WHOLEKEY", secretAccessKey, region: "us-west-2" });
    const piped = switchyard(["key", "add", "acme", "aws-bedrock", "--alias", "piped"], whole);
    expect(piped).toMatchObject({ status: 0, stdout: expect.stringContaining("key …EKEY · us-west-2") });
    const given = switchyard(["key", "add", "acme", "aws-bedrock", "--alias", "given", "--secret", whole]);
    expect(given).toMatchObject({ status: 0, stdout: expect.stringContaining("key …EKEY · us-west-2") });
  });

  it("says which field of a structured key is missing, unknown or unreadable, with exit code 2", () => {
    const missing = switchyard(["key", "add", "acme", "aws-bedrock", "--field", "region=us-east-1", "--secret", "AKIAIOSFODNN7EXAMPLE"]);
    expect(missing).toMatchObject({ status: 2, stderr: "error: secretAccessKey: Secret access key is required\n" });

    const unknown = switchyard(["key", "add", "acme", "workers-ai", "--field", "acount=1", "--secret", "t"]);
    expect(unknown).toMatchObject({ status: 2, stderr: 'error: acount: workers-ai keys have no field "acount"; use accountId, apiToken\n' });

    const badPair = switchyard(["key", "add", "acme", "openai", "--field", "secret"]);
    expect(badPair).toMatchObject({ status: 2, stderr: 'error: --field takes name=value, not "secret"\n' });

    const noFile = switchyard(["key", "add", "acme", "google-vertex-ai", "--secret-file", path.join(dataDir, "nope.json"), "--field", "region=global"]);
    expect(noFile).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: --secret-file \S+nope\.json: no such file\n$/) });

    const notJson = path.join(dataDir, "sa.txt");
    writeFileSync(notJson, "this is not a key file");
    const vertex = switchyard(["key", "add", "acme", "google-vertex-ai", "--secret-file", notJson, "--field", "region=global"]);
    expect(vertex).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: serviceAccount: paste the service account's JSON key file/) });
  });

  it("sets the team's display precision, and refuses one out of range naming the option's field", () => {
    expect(switchyard(["team", "create", "money"]).status).toBe(0);
    expect(switchyard(["team", "update", "money", "--display-precision", "4"])).toMatchObject({ status: 0, stdout: "team money shows money with 4 decimal places\n" });
    expect(switchyard(["team", "update", "money", "--display-precision", "9"])).toMatchObject({ status: 1, stderr: "error: displayPrecision: must be at most 6\n" });
  });

  it("sets the metadata keys the team's analytics break down by, clears them, and refuses more than 3", () => {
    expect(switchyard(["team", "create", "plans"]).status).toBe(0);
    expect(switchyard(["team", "update", "plans", "--analytics-metadata-keys", "plan,tenant"])).toMatchObject({ status: 0, stdout: "team plans breaks analytics down by metadata plan, tenant\n" });
    expect(switchyard(["team", "update", "plans", "--analytics-metadata-keys", "a,b,c,d"])).toMatchObject({ status: 1, stderr: "error: analyticsMetadataKeys: must be at most 3 keys\n" });
    expect(switchyard(["team", "update", "plans", "--analytics-metadata-keys", ""])).toMatchObject({ status: 0, stdout: "team plans breaks analytics down by no metadata key\n" });
  });

  it("reports a service error in one line, exit code 1, without a stack trace", () => {
    const result = switchyard(["gateway", "list", "no-such-team"]);
    expect(result).toMatchObject({ status: 1, stdout: "", stderr: 'error: team "no-such-team" not found\n' });
  });

  it("explains itself with --help, and refuses bad usage with exit code 2", () => {
    const help = switchyard(["key", "add", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: switchyard key add [options] <team> <provider>");
    expect(help.stdout).toContain("--json");
    expect(help.stdout).toContain("--secret-file <path>");
    expect(help.stdout).toContain("--field <name=value>");
    expect(help.stdout).toMatch(/aws-bedrock\s+accessKeyId, secretAccessKey, region, sessionToken \(optional\)/);

    const usage = switchyard(["gateway", "create", "acme", "x", "--cache-ttl", "soon"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("error: option '--cache-ttl <seconds>' argument 'soon' is invalid");
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it("sets, lists and removes rate limits of a gateway and a token, spend limits and budgets", () => {
    expect(switchyard(["team", "create", "limits"]).status).toBe(0);
    expect(switchyard(["gateway", "create", "limits", "prod"]).status).toBe(0);
    const tokenId = (JSON.parse(switchyard(["token", "create", "limits", "--name", "ci", "--json"]).stdout) as { id: string }).id;

    expect(switchyard(["limit", "set", "limits", "prod", "--gateway-wide", "--limit", "100", "--window", "60"])).toMatchObject({
      status: 0,
      stdout: "gateway prod: 100 requests per 60s (fixed)\n",
    });
    const rule = switchyard(["limit", "set", "limits", "prod", "--id", "per-user", "--limit", "10", "--window", "60", "--per", "metadata.user_id", "--technique", "sliding"]);
    expect(rule.status).toBe(0);
    expect(rule.stdout).toMatch(/per-user\s+10 requests\s+60s\s+sliding\s+metadata.user_id/);
    const refused = switchyard(["limit", "set", "limits", "prod", "--id", "x", "--limit", "1", "--window", "60", "--per", "user"]);
    expect(refused).toMatchObject({ status: 1, stderr: 'error: key: must be "token", "model", "provider" or "metadata.<key>"\n' });
    expect(switchyard(["limit", "set", "limits", "--token", tokenId, "--id", "rpm", "--limit", "2", "--window", "60"]).stdout).toMatch(/rpm\s+2 requests\s+60s\s+fixed/);
    expect(switchyard(["limit", "set", "limits", "prod", "--token", tokenId, "--id", "rpm", "--limit", "2", "--window", "60"])).toMatchObject({ status: 2 });

    const spend = switchyard(["limit", "spend", "limits", "prod", "--id", "per-user-cost", "--usd", "0.5", "--window", "3600", "--metadata", "user_id=partition", "--model", "openai/gpt-4o-mini", "--json"]);
    expect(spend.status).toBe(0);
    expect(JSON.parse(spend.stdout)).toMatchObject({
      enabled: true,
      rules: [{ id: "per-user-cost", limit: 0.5, technique: "sliding", metadata: { user_id: { mode: "partition" } }, model: { mode: "filter", values: ["openai/gpt-4o-mini"] } }],
    });

    const list = switchyard(["limit", "list", "limits", "prod"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain("gateway-wide: 100 requests per 60s (fixed)");
    expect(list.stdout).toMatch(/per-user\s+10 requests/);
    expect(list.stdout).toMatch(/rule 'per-user-cost' \(cost limit 0.5 per 3600s, sliding\)\s+\(nothing spent\)/);
    expect(JSON.parse(switchyard(["limit", "list", "limits", "--token", tokenId, "--json"]).stdout)).toMatchObject({ rateLimits: [{ id: "rpm", limit: 2 }] });

    expect(switchyard(["limit", "remove", "limits", "prod", "--id", "per-user"]).stdout).toBe("removed rule per-user of gateway prod\n");
    expect(switchyard(["limit", "remove", "limits", "prod", "--gateway-wide"]).stdout).toBe("gateway prod: gateway-wide limit off\n");
    expect(switchyard(["limit", "spend-remove", "limits", "prod", "--id", "per-user-cost"]).status).toBe(0);
    expect(switchyard(["limit", "list", "limits", "prod"]).stdout).toBe("gateway-wide: off\nrules: none\nspend limits: none\n");

    const added = switchyard(["budget", "add", "limits", "--name", "daily", "--usd", "0.01", "--period", "daily", "--alert", "80", "--token", tokenId, "--json"]);
    expect(added.status).toBe(0);
    const budget = JSON.parse(added.stdout) as { id: string };
    expect(budget).toMatchObject({ name: "daily", limitMicros: 10_000, scope: { kind: "token", tokenId, tokenName: "ci" } });
    expect(switchyard(["budget", "add", "limits", "--name", "r", "--usd", "1", "--period", "rolling"])).toMatchObject({
      status: 1,
      stderr: "error: windowSeconds: a rolling budget needs its window's length in seconds\n",
    });
    const budgets = switchyard(["budget", "list", "limits"]);
    expect(budgets.stdout).toMatch(new RegExp(`${budget.id}\\s+daily\\s+token ci\\s+\\$0.01\\s+daily\\s+\\$0.00\\s+\\$0.00\\s+0.0%\\s+80%\\s+\\d{4}-\\d\\d-\\d\\d 00:00 UTC`));
    expect(switchyard(["budget", "remove", "limits", budget.id]).stdout).toBe(`removed budget ${budget.id} "daily"\n`);
    expect(switchyard(["budget", "list", "limits", "--json"]).stdout).toBe("[]\n");
  });

  it("sets and clears a team's log retention, and refuses a bad one naming the flag's field", () => {
    expect(switchyard(["team", "create", "retain"]).status).toBe(0);
    expect(switchyard(["team", "update", "retain", "--log-retention-days", "30"])).toMatchObject({ status: 0, stdout: "team retain keeps request logs for 30 days\n" });
    expect(JSON.parse(switchyard(["team", "update", "retain", "--no-log-retention-days", "--json"]).stdout)).toMatchObject({ slug: "retain", logRetentionDays: null });
    expect(switchyard(["team", "update", "retain", "--log-retention-days", "0"])).toMatchObject({ status: 1, stderr: expect.stringContaining("logRetentionDays: must be a whole number from 1 to 3650") });
    expect(switchyard(["team", "update", "retain"])).toMatchObject({ status: 2, stderr: expect.stringContaining("nothing to change") });
  });
});
