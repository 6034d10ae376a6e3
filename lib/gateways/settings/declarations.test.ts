import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { gateways } from "@/db/schema";
import { CONTENT_CONTROL_SETTINGS } from "@/lib/services/gateways/content-controls";
import { GATEWAY_SETTINGS } from "./declarations";
import { settingsFromForm } from "./form";
import { maskedOtel, STORED_SECRET, withStoredSecrets } from "./otel";

describe("gateway setting declarations", () => {
  const all = { ...GATEWAY_SETTINGS, ...CONTENT_CONTROL_SETTINGS };

  it("name columns of the gateways table, and CLI flags and form labels once each", () => {
    const columns = Object.keys(getTableColumns(gateways));
    for (const name of Object.keys(all)) expect(columns).toContain(name);
    const flags = Object.values(all).map((declaration) => declaration.cli.flag);
    expect(new Set(flags).size).toBe(flags.length);
    const labels = Object.values(GATEWAY_SETTINGS).map((declaration) => declaration.form.label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("read a form as its controls submit it: switches by their marker, empty nullable fields as null, lists and JSON", () => {
    const form = new FormData();
    form.set("authentication__present", "1");
    form.set("byokOnly__present", "1");
    form.set("byokOnly", "on");
    form.set("logManagement", " ");
    form.set("logManagementStrategy", "");
    form.set("cacheTtl", "60");
    form.set("rateLimitingTechnique", "");
    form.set("cacheKeyMetadata", "user, tenant,");
    form.set("otel", '[{"url":"https://collector.example/v1/traces"}]');
    expect(settingsFromForm(form)).toEqual({
      authentication: false,
      byokOnly: true,
      logManagement: null,
      logManagementStrategy: null,
      cacheTtl: 60,
      cacheKeyMetadata: ["user", "tenant"],
      otel: [{ url: "https://collector.example/v1/traces" }],
    });
    form.set("otel", "[{");
    expect(() => settingsFromForm(form)).toThrow(/^otel: must be JSON/);
  });
});

describe("the otel setting", () => {
  const parse = (value: unknown) => GATEWAY_SETTINGS.otel.schema.safeParse(value);

  it("takes Cloudflare's shape, json by default, and an empty list as none", () => {
    expect(parse([{ url: "https://c.example/v1/traces" }]).data).toEqual([{ url: "https://c.example/v1/traces", content_type: "json" }]);
    expect(parse([]).data).toBeNull();
    expect(parse(null).data).toBeNull();
  });

  it("names what is wrong", () => {
    const problems = (value: unknown) => parse(value).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(problems([{ url: "ftp://c.example" }])).toEqual([expect.stringMatching(/^0\.url: must be an http:\/\/ or https:\/\/ URL/)]);
    expect(problems([{ url: "https://user:pw@c.example" }])).toEqual([expect.stringMatching(/^0\.url: .*without credentials/)]);
    expect(problems([{ url: "https://c.example", content_type: "xml" }])).toEqual(["0.content_type: must be json or protobuf"]);
    expect(problems([{ url: "https://c.example", headers: { "bad header": "x" } }])![0]).toMatch(/^0\.headers\.bad header: header names/);
    expect(problems([{ url: "https://c.example", authorization: "a\r\nb" }])).toEqual(["0.authorization: must not contain line breaks"]);
    expect(problems([{ url: "https://c.example", token: "x" }])![0]).toMatch(/token/);
  });

  it("is shown without its credentials, and a shown setting saved back keeps them", () => {
    const stored = [{ url: "https://c.example/v1/traces", authorization: "Bearer s3cret", headers: { "x-api-key": "k3y" }, content_type: "json" as const }];
    const shown = maskedOtel(stored)!;
    expect(JSON.stringify(shown)).not.toMatch(/s3cret|k3y/);
    expect(shown[0]).toMatchObject({ authorization: STORED_SECRET, headers: { "x-api-key": STORED_SECRET } });
    expect(withStoredSecrets(shown, stored)).toEqual(stored);
    expect(withStoredSecrets([{ ...shown[0]!, authorization: "Bearer new" }], stored)![0]!.authorization).toBe("Bearer new");
  });
});
