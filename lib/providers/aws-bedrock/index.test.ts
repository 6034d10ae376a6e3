import { createHash } from "node:crypto";
import aws4 from "aws4";
import { describe, expect, it } from "vitest";
import { clientKeyApplier } from "@/lib/gateway/credentials";
import { awsBedrock } from "./index";

const KEY = { accessKeyId: "AKIAEXAMPLE000000001", secretAccessKey: "secret/example/key", region: "eu-west-1" };
const SECRET = JSON.stringify(KEY);
const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";

/** Verifies a signed call with aws4 (a different SigV4 implementation), for the host it goes to. */
function verifies(call: { method: string; baseUrl: string; path: string; headers: Record<string, string>; body: unknown }, service = "bedrock"): boolean {
  const authorization = call.headers.authorization ?? "";
  // The signature covers the body through this hash, when it is sent.
  const contentHash = call.headers["x-amz-content-sha256"];
  if (contentHash !== undefined && contentHash !== createHash("sha256").update(String(call.body)).digest("hex")) return false;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
  const host = new URL(call.baseUrl).host;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = name === "host" ? host : (call.headers[name] ?? "");
  const options = {
    host,
    method: call.method,
    path: `${new URL(call.baseUrl).pathname.replace(/\/$/, "")}/${call.path}`,
    headers,
    body: call.body as string,
    service,
    region: KEY.region,
    extraHeadersToIgnore: { "content-length": true, "content-type": !signedHeaders.includes("content-type") },
  };
  aws4.sign(options, KEY);
  return (options.headers as Record<string, string>).Authorization === authorization;
}

describe("aws-bedrock credentials", () => {
  it("signs with SigV4 for the host called, the path and query, and the body; the host header is left to the HTTP client", async () => {
    const call = { method: "POST", baseUrl: "http://127.0.0.1:4010/prefix", path: `model/${encodeURIComponent(MODEL)}/converse?x=1`, headers: { "content-type": "application/json", authorization: "Bearer sy_gone" }, body: '{"messages":[]}' };
    const signed = await awsBedrock.applyCredential(call, SECRET);
    expect(signed.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000001\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/);
    expect(signed.headers.host).toBeUndefined();
    expect(signed.body).toBe(call.body);
    expect(verifies(signed)).toBe(true);
    expect(verifies({ ...signed, body: '{"messages":[1]}' })).toBe(false);
  });

  it("replaces what a client's own signing left with its own", async () => {
    const headers = { authorization: "AWS4-HMAC-SHA256 Credential=AKIACLIENT/…", "x-amz-date": "20000101T000000Z", "x-amz-security-token": "stale", "x-amz-content-sha256": "0".repeat(64) };
    const signed = await awsBedrock.applyCredential({ method: "POST", baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com", path: "model/m/converse", headers, body: "{}" }, SECRET);
    expect(signed.headers["x-amz-security-token"]).toBeUndefined();
    expect(signed.headers["x-amz-date"]).not.toBe(headers["x-amz-date"]);
    expect(verifies(signed)).toBe(true);
  });

  it("signs Mantle's Messages path for its own service, and carries a session token", async () => {
    const withToken = JSON.stringify({ ...KEY, sessionToken: "token-1" });
    const signed = await awsBedrock.applyCredential({ method: "POST", baseUrl: "https://bedrock-mantle.eu-west-1.api.aws", path: "anthropic/v1/messages", headers: {}, body: "{}" }, withToken);
    expect(signed.headers.authorization).toContain("/eu-west-1/bedrock-mantle/aws4_request");
    expect(signed.headers["x-amz-security-token"]).toBe("token-1");
  });

  it("passes a request the client signed itself unchanged, body and signature", async () => {
    const body = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';
    const signed = aws4.sign({ host: "bedrock-runtime.eu-west-1.amazonaws.com", method: "POST", path: `/model/${MODEL}/converse`, service: "bedrock", region: "eu-west-1", body, headers: { "content-type": "application/json" } }, KEY);
    const headers = { "content-type": "application/json", authorization: String(signed.headers!.Authorization), "x-amz-date": String(signed.headers!["X-Amz-Date"]) };
    const call = { method: "POST", baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com", path: `model/${MODEL}/converse`, headers, body };
    expect(await clientKeyApplier(awsBedrock, "as-sent")(call)).toEqual(call);
  });

  it("moves a Bedrock API key sent as a bearer token to x-api-key on Mantle only", () => {
    const mantle = { method: "POST", baseUrl: "https://x", path: "anthropic/v1/messages", headers: { authorization: "Bearer ABSKkey" }, body: "{}" };
    expect(awsBedrock.completeCall?.(mantle).headers).toEqual({ "x-api-key": "ABSKkey" });
    const runtime = { ...mantle, path: "model/m/converse" };
    expect(awsBedrock.completeCall?.(runtime)).toEqual(runtime);
  });

  it.each([
    ["not json", /accessKeyId.*secretAccessKey.*region/],
    [JSON.stringify({ ...KEY, accessKeyId: undefined }), /^accessKeyId:/],
    [JSON.stringify({ ...KEY, accessKeyId: "lower-case" }), /^accessKeyId:/],
    [JSON.stringify({ ...KEY, secretAccessKey: "" }), /^secretAccessKey:/],
    [JSON.stringify({ ...KEY, region: undefined }), /^region:/],
    [JSON.stringify({ ...KEY, region: "mars-1" }), /^region:/],
    [JSON.stringify({ ...KEY, sessionToken: 5 }), /^sessionToken:/],
  ])("names what is wrong with a key: %s", (secret, problem) => {
    expect(awsBedrock.keyProblem?.(secret)).toMatch(problem);
    expect(awsBedrock.keyProblem?.(secret)).not.toContain(KEY.secretAccessKey);
  });

  it("knows AWS's rejections of the key itself from other refusals", () => {
    const rejects = (status: number, type?: string) => awsBedrock.rejectsCredential?.(status, type === undefined ? {} : { "x-amzn-errortype": type });
    expect(rejects(403, "UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/")).toBe(true);
    expect(rejects(403, "InvalidSignatureException")).toBe(true);
    expect(rejects(403, "ExpiredTokenException")).toBe(true);
    expect(rejects(401)).toBe(true);
    expect(rejects(403, "AccessDeniedException")).toBe(false);
    expect(rejects(400, "ValidationException")).toBe(false);
    expect(rejects(403)).toBe(false);
  });

  it("takes a whole key, and its region names the base URL", () => {
    expect(awsBedrock.keyProblem?.(SECRET)).toBeUndefined();
    expect(awsBedrock.baseUrlOfKey?.(SECRET)).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com");
  });
});

describe("aws-bedrock paths", () => {
  it("routes passthrough paths to the host they name", () => {
    expect(awsBedrock.passthroughTarget?.(`bedrock-runtime/us-east-1/model/${MODEL}/converse`)).toEqual({ baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com", path: `model/${MODEL}/converse` });
    expect(awsBedrock.passthroughTarget?.("bedrock-mantle/us-west-2/anthropic/v1/messages")).toEqual({ baseUrl: "https://bedrock-mantle.us-west-2.api.aws", path: "anthropic/v1/messages" });
    expect(awsBedrock.passthroughTarget?.("bedrock-runtime/evil.example.com#/model/x/converse")).toBeUndefined();
    expect(awsBedrock.passthroughTarget?.("model/x/converse")).toBeUndefined();
  });

  it.each([
    [`bedrock-runtime/us-east-1/model/${encodeURIComponent(MODEL)}/converse`, "bedrock-converse", { model: MODEL, stream: false }],
    [`bedrock-runtime/us-east-1/model/${MODEL}/converse-stream`, "bedrock-converse", { model: MODEL, stream: true }],
    [`bedrock-runtime/us-east-1/model/us.${MODEL}/invoke-with-response-stream`, "anthropic-messages", { model: `us.${MODEL}`, stream: true }],
    [`model/${MODEL}/invoke`, "anthropic-messages", { model: MODEL, stream: false }],
    ["bedrock-runtime/us-east-1/model/amazon.nova-pro-v1:0/invoke", undefined, { model: "amazon.nova-pro-v1:0", stream: false }],
    ["bedrock-mantle/us-east-1/anthropic/v1/messages", "anthropic-messages", {}],
    ["bedrock-runtime/us-east-1/guardrail/g/version/1/apply", undefined, {}],
  ])("%s speaks %s", (path, format, facts) => {
    expect(awsBedrock.formatOfPath(path)).toBe(format);
    expect(awsBedrock.pathFacts?.(path)).toEqual(facts);
  });
});
