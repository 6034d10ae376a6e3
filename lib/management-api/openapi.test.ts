import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

const API_ROOT = join(import.meta.dirname, "../../app/client/v4/accounts/[team]/ai-gateway");

/** Every management route handler file: its path in OpenAPI's spelling and the methods it exports. */
function handlers(dir = API_ROOT): { path: string; methods: string[] }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return handlers(full);
    if (entry.name !== "route.ts") return [];
    const path = `/client/v4/accounts/{team}/ai-gateway/${relative(API_ROOT, dir)}`.replace(/\[(\w+)\]/g, "{$1}").replace(/\/$/, "");
    const methods = [...readFileSync(full, "utf8").matchAll(/\bas (GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => match[1]!.toLowerCase());
    return [{ path, methods }];
  });
}

describe("the OpenAPI document", () => {
  it("documents every management endpoint and method the app serves", async () => {
    const document = (await openApiDocument().json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe("3.1.0");
    const served = handlers();
    expect(served.length).toBeGreaterThan(10);
    for (const { path, methods } of served) {
      expect(document.paths, path).toHaveProperty([path]);
      for (const method of methods) expect(document.paths[path], `${method.toUpperCase()} ${path}`).toHaveProperty([method]);
    }
  });

  it("takes request bodies from the handlers' zod schemas, strict and with their limits", async () => {
    const document = (await openApiDocument().json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>> };
    const create = document.paths["/client/v4/accounts/{team}/ai-gateway/gateways"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(create).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: expect.arrayContaining(["id", "cache_ttl", "collect_logs", "rate_limiting_limit"]),
      properties: { retry_max_attempts: { type: "integer", minimum: 1, maximum: 5 } },
    });
  });
});
