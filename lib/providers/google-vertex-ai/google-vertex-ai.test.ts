import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FormatError } from "@/lib/formats/codec";
import { clientKeyApplier } from "@/lib/gateway/credentials";
import { startFakeVertex, type FakeVertex } from "@/tests/fake-providers/vertex";
import { StoredKeyError } from "../types";
import { googleVertexAi, VERTEX_ANTHROPIC_VERSION } from ".";
import { GOOGLE_TOKEN_URI, readServiceAccount } from "./service-account";
import { accessToken } from "./token";

// The fake's token endpoint is on 127.0.0.1, which only a deployment allowing private upstreams may use.
vi.stubEnv("SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS", "true");
afterAll(() => vi.unstubAllEnvs());

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const ACCOUNT = {
  type: "service_account",
  project_id: "my-project",
  private_key_id: "abc123",
  private_key: PEM,
  client_email: "gw@my-project.iam.gserviceaccount.com",
  token_uri: GOOGLE_TOKEN_URI,
  region: "us-east5",
};
const secret = (fields: Record<string, unknown> = {}) => JSON.stringify({ ...ACCOUNT, ...fields });
const call = (headers: Record<string, string> = {}) => ({ method: "POST", baseUrl: "https://x.test", path: "p", headers, body: "{}" });

describe("a stored Vertex AI key", () => {
  it("is the service-account JSON with a region, as is or base64-encoded", () => {
    expect(readServiceAccount(secret())).toMatchObject({ projectId: "my-project", region: "us-east5", clientEmail: ACCOUNT.client_email, privateKeyId: "abc123", tokenUri: GOOGLE_TOKEN_URI });
    expect(readServiceAccount(Buffer.from(secret()).toString("base64"))).toMatchObject({ projectId: "my-project" });
    expect(readServiceAccount(`\n  ${secret({ token_uri: undefined })}  \n`)).toMatchObject({ tokenUri: GOOGLE_TOKEN_URI });
  });

  it.each([
    ["not JSON", "hello", /not a JSON object/],
    ["a JSON array", "[1]", /not a JSON object/],
    ["without region and project", secret({ region: undefined, project_id: "" }), /"project_id", "region" missing/],
    ["another type of credential", secret({ type: "authorized_user" }), /"type" is "authorized_user"/],
    ["a region that is no region", secret({ region: "us-east5/../x" }), /"region" .* is not a Google Cloud region/],
    ["a project id with a slash", secret({ project_id: "a/b" }), /"project_id" .* is not a Google Cloud project id/],
    ["a token_uri that is not a URL", secret({ token_uri: "file:///etc/passwd" }), /"token_uri" is not an http\(s\) URL/],
    ["a private key that is not PEM", secret({ private_key: "MIIE..." }), /"private_key" is not a PEM private key/],
    ["an EC key", secret({ private_key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString() }), /not an RSA key/],
  ])("is refused when %s, naming the field", (_what, value, message) => {
    expect(googleVertexAi.keyProblem?.(value)).toMatch(message);
    // The key itself never appears in what the team is told.
    expect(googleVertexAi.keyProblem?.(value)).not.toContain(PEM.split("\n")[1]);
    expect(googleVertexAi.keyProblem?.(value)).not.toContain("MIIE");
  });

  it("implies the region's host, or the global one", () => {
    expect(googleVertexAi.keyProblem?.(secret())).toBeUndefined();
    expect(googleVertexAi.baseUrlOfKey?.(secret())).toBe("https://us-east5-aiplatform.googleapis.com");
    expect(googleVertexAi.baseUrlOfKey?.(secret({ region: "global" }))).toBe("https://aiplatform.googleapis.com");
  });
});

describe("Vertex AI's passthrough paths", () => {
  const gemini = "v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-flash";
  const claude = "v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5";

  it.each([
    [`${gemini}:generateContent`, "gemini", { model: "google/gemini-2.5-flash", stream: false }],
    [`${gemini}:streamGenerateContent?alt=sse`, "gemini", { model: "google/gemini-2.5-flash", stream: true }],
    [`${gemini}:countTokens`, undefined, { model: "google/gemini-2.5-flash", stream: false }],
    [`${claude}:rawPredict`, "anthropic-messages", { model: "anthropic/claude-sonnet-4-5", stream: false }],
    [`${claude}:streamRawPredict`, "anthropic-messages", { model: "anthropic/claude-sonnet-4-5", stream: true }],
    [`${claude}:count-tokens:rawPredict`, undefined, {}],
    ["v1/projects/p/locations/us-east5/endpoints/123:predict", undefined, {}],
  ])("%s speaks %s", (path, format, facts) => {
    expect(googleVertexAi.formatOfPath(path)).toBe(format);
    expect(googleVertexAi.pathFacts?.(path)).toEqual(facts);
  });

  it("go to the host of the region they name", () => {
    expect(googleVertexAi.passthroughTarget?.(`${gemini}:generateContent`)).toEqual({ baseUrl: "https://europe-west4-aiplatform.googleapis.com", path: `${gemini}:generateContent` });
    expect(googleVertexAi.passthroughTarget?.("v1/projects/p/locations/global/publishers/google/models/m:generateContent")?.baseUrl).toBe("https://aiplatform.googleapis.com");
    expect(googleVertexAi.passthroughTarget?.("v1/projects/p/locations/us-east5/endpoints/1:predict")?.baseUrl).toBe("https://us-east5-aiplatform.googleapis.com");
    expect(googleVertexAi.passthroughTarget?.("v1/publishers/google/models")).toBeUndefined();
    expect(googleVertexAi.passthroughTarget?.("v1/projects/p/locations/Evil.Host/x")).toBeUndefined();
  });

  it("carry a client's own access token as sent", async () => {
    const applied = await clientKeyApplier(googleVertexAi, "as-sent")(call({ authorization: "Bearer ya29.own" }));
    expect(applied.headers).toEqual({ authorization: "Bearer ya29.own" });
  });
});

describe("Vertex AI in the chat surfaces", () => {
  it("calls google/… in Gemini's format and anthropic/… in Anthropic's, under the publisher's own name", () => {
    expect(googleVertexAi.chatModel?.("google/gemini-2.5-flash")).toEqual({ format: "gemini", model: "gemini-2.5-flash" });
    expect(googleVertexAi.chatModel?.("anthropic/claude-sonnet-4-5@20250929")).toEqual({ format: "anthropic-messages", model: "claude-sonnet-4-5@20250929" });
    for (const model of ["gemini-2.5-flash", "meta/llama", "google/", "/x", "google/a/b"]) expect(googleVertexAi.chatModel?.(model)).toBeUndefined();
  });

  it("puts the key's project and region in the path, and gives Anthropic's body its Vertex version instead of a model", () => {
    const shape = (format: "gemini" | "anthropic-messages", stream: boolean, body = {}) =>
      googleVertexAi.shapeChatCall?.({ format, model: "m-1", stream, path: undefined, body }, secret());
    expect(shape("gemini", false)).toEqual({ path: "v1/projects/my-project/locations/us-east5/publishers/google/models/m-1:generateContent", body: {} });
    expect(shape("gemini", true)?.path).toBe("v1/projects/my-project/locations/us-east5/publishers/google/models/m-1:streamGenerateContent?alt=sse");
    expect(shape("anthropic-messages", true, { model: "m-1", stream: true, max_tokens: 5 })).toEqual({
      path: "v1/projects/my-project/locations/us-east5/publishers/anthropic/models/m-1:streamRawPredict",
      body: { stream: true, max_tokens: 5, anthropic_version: VERTEX_ANTHROPIC_VERSION },
    });
    expect(shape("anthropic-messages", false)?.path).toMatch(/:rawPredict$/);
  });

  it("needs a stored key to know the project", () => {
    expect(() => googleVertexAi.shapeChatCall?.({ format: "gemini", model: "m", stream: false, path: undefined, body: {} }, undefined)).toThrow(FormatError);
  });
});

describe("Vertex AI access tokens", () => {
  let fake: FakeVertex;
  beforeAll(async () => {
    fake = await startFakeVertex();
  });
  afterAll(() => fake.close());

  it("are minted once for concurrent calls and reused, and go in Authorization", async () => {
    const key = JSON.stringify(fake.serviceAccount().json);
    const before = fake.mints;
    const calls = await Promise.all(Array.from({ length: 8 }, () => googleVertexAi.applyCredential(call({ "x-other": "1" }), key)));
    expect(fake.mints - before).toBe(1);
    const tokens = new Set(calls.map((c) => c.headers.authorization));
    expect(tokens.size).toBe(1);
    expect(fake.takes(String([...tokens][0]).slice("Bearer ".length))).toBe(true);
    expect(calls[0]?.headers["x-other"]).toBe("1");
    await googleVertexAi.applyCredential(call(), key);
    expect(fake.mints - before).toBe(1);
  });

  it("are a new one for a rotated key of the same account", async () => {
    const account = fake.serviceAccount();
    const first = await googleVertexAi.applyCredential(call(), JSON.stringify(account.json));
    const rotated = await googleVertexAi.applyCredential(call(), JSON.stringify({ ...account.json, private_key_id: "other" }));
    // The key is the same, so the token may be; a different private key must not share it (below).
    expect(rotated.headers.authorization).toBe(first.headers.authorization);
    const other = fake.serviceAccount();
    const stranger = JSON.stringify({ ...account.json, private_key: other.json.private_key });
    await expect(googleVertexAi.applyCredential(call(), stranger)).rejects.toMatchObject({ kind: "rejected" });
  });

  it("say why a mint failed without the key or a token", async () => {
    const account = fake.serviceAccount();
    const forged = { ...account.json, private_key: fake.serviceAccount().json.private_key };
    const error = await Promise.resolve(googleVertexAi.applyCredential(call(), JSON.stringify(forged))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoredKeyError);
    expect((error as StoredKeyError).message).toContain("Invalid JWT Signature.");
    expect((error as StoredKeyError).message).not.toContain(forged.private_key!.split("\n")[1]);

    const closed = readServiceAccount(JSON.stringify({ ...account.json, token_uri: "http://127.0.0.1:1/token" }));
    if (typeof closed === "string") throw new Error(closed);
    await expect(accessToken(closed, true)).rejects.toMatchObject({ kind: "unreachable", message: expect.stringContaining("127.0.0.1:1 could not be reached") });
  });

  it("are minted only at Google's token endpoint unless the deployment allows private upstreams", async () => {
    const account = readServiceAccount(JSON.stringify(fake.serviceAccount().json));
    if (typeof account === "string") throw new Error(account);
    const before = fake.mints;
    await expect(accessToken(account, false)).rejects.toMatchObject({ kind: "unusable", message: expect.stringContaining("SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS=true") });
    expect(fake.mints).toBe(before);
  });
});
