import { describe, expect, it } from "vitest";
import { workersAi, workersAiSecret } from ".";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const call = (baseUrl = "https://api.cloudflare.com/client/v4/accounts/x/ai") => ({ method: "POST", baseUrl, path: "v1/chat/completions", headers: {}, body: "{}" });

describe("Workers AI keys", () => {
  it("reads the account from a JSON key: the base URL it implies, the token as a bearer", async () => {
    const secret = workersAiSecret(ACCOUNT, "cf-token");
    expect(workersAi.keyProblem?.(secret)).toBeUndefined();
    expect(workersAi.baseUrlOfKey?.(secret)).toBe(`https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/ai`);
    expect((await workersAi.applyCredential(call(), secret)).headers).toEqual({ authorization: "Bearer cf-token" });
  });

  it("fills {account_id} in a stored base URL from the key", async () => {
    const applied = await workersAi.applyCredential(call("http://proxy.test/client/v4/accounts/{account_id}/ai"), workersAiSecret(ACCOUNT, "t"));
    expect(applied.baseUrl).toBe(`http://proxy.test/client/v4/accounts/${ACCOUNT}/ai`);
  });

  it("keeps a plain token working with a stored base URL", async () => {
    expect(workersAi.keyProblem?.("cf-plain-token")).toBeUndefined();
    expect(workersAi.baseUrlOfKey?.("cf-plain-token")).toBeUndefined();
    const applied = await workersAi.applyCredential(call(), "cf-plain-token");
    expect(applied.headers).toEqual({ authorization: "Bearer cf-plain-token" });
    expect(applied.baseUrl).toBe(call().baseUrl);
  });

  it("names the field at fault in a JSON key, never echoing the token", () => {
    expect(workersAi.keyProblem?.("{not json")).toMatch(/JSON object/);
    expect(workersAi.keyProblem?.(JSON.stringify({ apiToken: "secret-token" }))).toMatch(/^accountId/);
    expect(workersAi.keyProblem?.(JSON.stringify({ accountId: "a/b", apiToken: "secret-token" }))).toMatch(/^accountId/);
    expect(workersAi.keyProblem?.(JSON.stringify({ accountId: ACCOUNT }))).toMatch(/^apiToken/);
    expect(workersAi.keyProblem?.(JSON.stringify({ accountId: "a/b", apiToken: "secret-token" }))).not.toContain("secret-token");
  });
});

describe("Workers AI paths", () => {
  it("routes native model paths to run/, reading the model and the workers-ai format", () => {
    expect(workersAi.passthroughTarget?.("@cf/meta/llama-3.1-8b-instruct")).toEqual({ path: "run/@cf/meta/llama-3.1-8b-instruct" });
    expect(workersAi.passthroughTarget?.("run/@cf/meta/llama-3.1-8b-instruct")).toBeUndefined();
    expect(workersAi.passthroughTarget?.("v1/chat/completions")).toBeUndefined();
    expect(workersAi.pathFacts?.("@hf/thebloke/x")).toEqual({ model: "@hf/thebloke/x" });
    expect(workersAi.pathFacts?.("run/@cf/meta/x")).toEqual({ model: "@cf/meta/x" });
    expect(workersAi.formatOfPath("@cf/meta/x")).toBe("workers-ai");
    expect(workersAi.formatOfPath("v1/chat/completions")).toBe("openai-chat");
    expect(workersAi.formatOfPath("v1/models")).toBeUndefined();
  });
});
