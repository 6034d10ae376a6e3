import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { GoogleGenAI, Type } from "@google/genai";
import { OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_ANTHROPIC_CONTENT, FAKE_ANTHROPIC_USAGE } from "./anthropic";
import { FAKE_GEMINI_CONTENT, FAKE_GEMINI_USAGE } from "./gemini";
import { startFakeVertex, VERTEX_SCOPE, type FakeVertex, type TestServiceAccount } from "./vertex";

/** An assertion built by hand from the documented JWT-bearer shape, signed with node:crypto. */
function assertion(claims: Record<string, unknown>, key: KeyObject): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signed = `${encode({ alg: "RS256", typ: "JWT" })}.${encode(claims)}`;
  return `${signed}.${sign("RSA-SHA256", Buffer.from(signed), key).toString("base64url")}`;
}

// The fake stands for Google in every Vertex test: its token endpoint must refuse what Google
// refuses, and its model paths must serve what Google's SDK and Anthropic's Vertex wire format send.
describe("fake Vertex AI", () => {
  let fake: FakeVertex;
  let account: TestServiceAccount;
  beforeAll(async () => {
    fake = await startFakeVertex();
    account = fake.serviceAccount({ projectId: "proj-1", region: "europe-west4" });
  });
  afterAll(() => fake.close());

  function claims(overrides: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return { iss: account.clientEmail, scope: VERTEX_SCOPE, aud: fake.tokenUri, iat: now, exp: now + 3600, ...overrides };
  }

  async function exchange(jwt: string) {
    const res = await fetch(fake.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwt }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function mintToken(): Promise<string> {
    const { status, body } = await exchange(assertion(claims(), createPrivateKey(account.json.private_key!)));
    expect(status).toBe(200);
    return String(body.access_token);
  }

  it("issues a token for a well-signed assertion, with expires_in, and counts it", async () => {
    const before = fake.mints;
    const { status, body } = await exchange(assertion(claims(), createPrivateKey(account.json.private_key!)));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(fake.takes(String(body.access_token))).toBe(true);
    expect(fake.mints).toBe(before + 1);
  });

  it.each([
    ["another key's signature", () => assertion(claims(), generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey), "Invalid JWT Signature."],
    ["an unknown account", () => assertion(claims({ iss: "nobody@x.iam.gserviceaccount.com" }), createPrivateKey(account.json.private_key!)), "account not found"],
    ["another audience", () => assertion(claims({ aud: "https://oauth2.googleapis.com/token" }), createPrivateKey(account.json.private_key!)), "aud"],
    ["no cloud-platform scope", () => assertion(claims({ scope: "email" }), createPrivateKey(account.json.private_key!)), "scope"],
    ["an expired assertion", () => assertion(claims({ iat: 1, exp: 3601 }), createPrivateKey(account.json.private_key!)), "short-lived"],
    ["a token that is not a JWT", () => "not.a-jwt", "Invalid JWT"],
  ])("refuses %s with invalid_grant", async (_what, jwt, message) => {
    const before = fake.mints;
    const { status, body } = await exchange(jwt());
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_grant");
    expect(String(body.error_description)).toContain(message);
    expect(fake.mints).toBe(before);
  });

  it("serves Gemini to Google's GenAI SDK in Vertex mode, tool calls and streams included", async () => {
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: await mintToken(), expiry_date: Date.now() + 3_600_000 });
    const ai = new GoogleGenAI({ vertexai: true, project: "proj-1", location: "europe-west4", googleAuthOptions: { authClient: auth }, httpOptions: { baseUrl: fake.origin } });
    const answer = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect(answer.text).toBe(FAKE_GEMINI_CONTENT);
    expect(answer.usageMetadata?.promptTokenCount).toBe(FAKE_GEMINI_USAGE.promptTokenCount);
    expect(fake.requests.at(-1)).toMatchObject({ project: "proj-1", region: "europe-west4", publisher: "google", model: "gemini-2.5-flash", action: "generateContent" });

    const tools = [{ functionDeclarations: [{ name: "get_weather", parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }];
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "weather?", config: { tools } })) chunks.push(chunk);
    expect(chunks.flatMap((c) => c.functionCalls ?? [])).toEqual([expect.objectContaining({ name: "get_weather", args: { city: "fake-city" } })]);
    expect(fake.requests.at(-1)).toMatchObject({ action: "streamGenerateContent", query: { alt: "sse" } });
  });

  describe("Anthropic's models, in the wire format Anthropic documents for Vertex", () => {
    const path = (method: string, project = "proj-1") => `${fake.origin}/v1/projects/${project}/locations/europe-west4/publishers/anthropic/models/claude-sonnet-4-5:${method}`;
    const post = async (url: string, body: object, token?: string) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      return fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    };
    const message = { anthropic_version: "vertex-2023-10-16", max_tokens: 100, messages: [{ role: "user", content: "hi" }] };

    it("answers rawPredict with the Messages API's answer and usage", async () => {
      const res = await post(path("rawPredict"), message, await mintToken());
      expect(res.status).toBe(200);
      const body = (await res.json()) as { content: Array<{ text: string }>; model: string; usage: { input_tokens: number } };
      expect(body.content[0]?.text).toBe(FAKE_ANTHROPIC_CONTENT);
      expect(body.model).toBe("claude-sonnet-4-5");
      expect(body.usage.input_tokens).toBe(FAKE_ANTHROPIC_USAGE.input_tokens);
    });

    it("streams streamRawPredict as Anthropic's server-sent events", async () => {
      const res = await post(path("streamRawPredict"), { ...message, stream: true }, await mintToken());
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const text = await res.text();
      expect(text).toContain("event: message_start");
      expect(text).toContain("event: message_stop");
    });

    it.each([
      ["without anthropic_version", { ...message, anthropic_version: undefined }, "anthropic_version"],
      ["with a model in the body", { ...message, model: "claude-sonnet-4-5" }, "model"],
      ["asking rawPredict for a stream", { ...message, stream: true }, "stream"],
    ])("refuses a body %s", async (_what, body, field) => {
      const res = await post(path("rawPredict"), body, await mintToken());
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
    });

    it("answers 401 UNAUTHENTICATED without a token it issued, or after revoking it, and 403 for another project", async () => {
      const token = await mintToken();
      expect((await post(path("rawPredict", "proj-2"), message, token)).status).toBe(403);
      const none = await post(path("rawPredict"), message);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
      expect((await post(path("rawPredict"), message, "ya29.made-up")).status).toBe(401);
      fake.revokeTokens();
      expect((await post(path("rawPredict"), message, token)).status).toBe(401);
    });
  });
});
