/**
 * A fake Google Vertex AI over real HTTP: Google's OAuth token endpoint for service accounts, and
 * Gemini and Anthropic models under Vertex's paths, answered by a fake Gemini and a fake Anthropic
 * behind it (gemini.ts, anthropic.ts), so they behave exactly as those do, modes included.
 *
 * - `POST /token`: the JWT-bearer grant (RFC 7523) as Google takes it. The assertion's RS256
 *   signature is verified with node:crypto against the public key of a service account the test
 *   registered (`trust`), and its `iss`, `aud` (this endpoint), `scope` (cloud-platform), `iat`
 *   and `exp` are checked; a bad one gets 400 `invalid_grant`, as Google answers. Tokens expire
 *   after `expiresIn` seconds; `mints` counts them.
 * - `POST /{v1|v1beta1}/projects/{project}/locations/{region}/publishers/google/models/{model}:{generateContent|streamGenerateContent}`
 *   and `…/publishers/anthropic/models/{model}:{rawPredict|streamRawPredict}`: 401 UNAUTHENTICATED
 *   without `Authorization: Bearer` and a token it issued that has not expired or been revoked, 403
 *   PERMISSION_DENIED when the path's project is not the token's service account's. Anthropic's
 *   body must carry `anthropic_version: "vertex-2023-10-16"` and no `model` (the path names it), and
 *   ask for a stream exactly when the method is streamRawPredict, as Anthropic's Vertex SDK sends it.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from "node:crypto";
import { request as httpRequest, type ServerResponse } from "node:http";
import { startFakeAnthropic, type FakeAnthropic } from "./anthropic";
import { startFakeGemini, type FakeGemini } from "./gemini";
import { sendJson, startFakeServer, type RecordedRequest } from "./http";

export const VERTEX_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const MODEL_PATH = /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/([^/]+)\/models\/([^/:]+):([A-Za-z]+)$/;

export interface FakeVertexRequest extends RecordedRequest {
  /** For model paths: the project, region, publisher, model and method (after the colon) the path names. */
  project: string;
  region: string;
  publisher: string;
  model: string;
  action: string;
}

export interface TestServiceAccount {
  /** The service-account JSON with its `region`, as a team stores it. */
  json: Record<string, string>;
  clientEmail: string;
  projectId: string;
  publicKey: KeyObject;
}

export interface FakeVertex {
  /** `http://127.0.0.1:{port}`, standing for `https://{region}-aiplatform.googleapis.com`. */
  origin: string;
  /** This fake's token endpoint, for service accounts' `token_uri`. */
  tokenUri: string;
  requests: FakeVertexRequest[];
  /** The fakes behind it: their usage, content and requests are what Vertex's models answer. */
  gemini: FakeGemini;
  anthropic: FakeAnthropic;
  /** Access tokens issued so far. */
  mints: number;
  /** Lifetime of the tokens it issues, in seconds. */
  expiresIn: number;
  /** A new service account (a fresh RSA key pair) this fake's token endpoint trusts. */
  serviceAccount(options?: { region?: string; projectId?: string }): TestServiceAccount;
  /** Every token issued so far stops working, as when the account's key is deleted. */
  revokeTokens(): void;
  /** Whether `token` is one this fake issued and would still take. */
  takes(token: string): boolean;
  close(): Promise<void>;
}

interface Issued {
  expiresAt: number;
  projectId: string;
}

export async function startFakeVertex(): Promise<FakeVertex> {
  const gemini = await startFakeGemini();
  const anthropic = await startFakeAnthropic();
  const trusted = new Map<string, { publicKey: KeyObject; projectId: string }>();
  const issued = new Map<string, Issued>();

  const server = await startFakeServer<FakeVertexRequest>(
    (base) => {
      const [, project = "", region = "", publisher = "", model = "", action = ""] = MODEL_PATH.exec(base.path) ?? [];
      return { ...base, project, region, publisher, model, action, mode: "" };
    },
    (request, res) => handle(request, res),
  );
  const tokenUri = `${server.origin}/token`;

  const fake: FakeVertex = {
    origin: server.origin,
    tokenUri,
    requests: server.requests,
    gemini,
    anthropic,
    mints: 0,
    expiresIn: 3600,
    serviceAccount({ region = "us-central1", projectId = "fake-project" } = {}) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const clientEmail = `gateway-${randomBytes(4).toString("hex")}@${projectId}.iam.gserviceaccount.com`;
      trusted.set(clientEmail, { publicKey: createPublicKey(publicKey.export({ type: "spki", format: "pem" })), projectId });
      const json = {
        type: "service_account",
        project_id: projectId,
        private_key_id: randomBytes(20).toString("hex"),
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        client_email: clientEmail,
        client_id: String(BigInt(`0x${randomBytes(8).toString("hex")}`)),
        auth_uri: "https://accounts.google.com/o/oauth2/auth",
        token_uri: tokenUri,
        region,
      };
      return { json, clientEmail, projectId, publicKey };
    },
    revokeTokens: () => issued.clear(),
    takes: (token) => usable(token) !== undefined,
    close: async () => {
      await server.close();
      await Promise.all([gemini.close(), anthropic.close()]);
    },
  };

  function usable(token: string): Issued | undefined {
    const found = issued.get(token);
    return found && found.expiresAt > Date.now() ? found : undefined;
  }

  async function handle(request: FakeVertexRequest, res: ServerResponse) {
    if (request.method === "POST" && request.path === "/token") return token(request, res);
    if (request.method !== "POST" || !request.model) return sendGoogleError(res, 404, `The requested URL ${request.path} was not found on this server.`);
    const bearer = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
    const grant = bearer === undefined ? undefined : usable(bearer);
    if (!grant) {
      return sendGoogleError(
        res,
        401,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    if (grant.projectId !== request.project) {
      return sendGoogleError(res, 403, `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${request.project}/locations/${request.region}/publishers/${request.publisher}/models/${request.model}' (or it may not exist).`);
    }
    const query = new URLSearchParams(request.query).toString();
    if (request.publisher === "google") {
      if (request.action !== "generateContent" && request.action !== "streamGenerateContent") return sendGoogleError(res, 404, `${request.action} is not served here`);
      return forward(res, gemini.origin, `/v1beta/models/${request.model}:${request.action}${query ? `?${query}` : ""}`, request, { "x-goog-api-key": "vertex" }, request.rawBody);
    }
    if (request.publisher !== "anthropic" || (request.action !== "rawPredict" && request.action !== "streamRawPredict")) {
      return sendGoogleError(res, 404, `Publisher model ${request.publisher}/${request.model}:${request.action} is not served here`);
    }
    const body = request.body;
    if (!body) return sendGoogleError(res, 400, "Invalid JSON payload received.");
    if (body.anthropic_version !== "vertex-2023-10-16") {
      return sendAnthropicError(res, 400, `anthropic_version: ${body.anthropic_version === undefined ? "Field required" : "Input should be 'vertex-2023-10-16'"}`);
    }
    if (body.model !== undefined) return sendAnthropicError(res, 400, "model: Extra inputs are not permitted");
    if ((body.stream === true) !== (request.action === "streamRawPredict")) {
      return sendAnthropicError(res, 400, "stream: streamRawPredict streams and rawPredict does not; send stream: true with streamRawPredict only");
    }
    const { anthropic_version: _version, ...rest } = body;
    const headers = { "x-api-key": "vertex", "anthropic-version": "2023-06-01" };
    return forward(res, anthropic.origin, "/v1/messages", request, headers, JSON.stringify({ ...rest, model: request.model }));
  }

  function token(request: FakeVertexRequest, res: ServerResponse) {
    const form = new URLSearchParams(request.rawBody);
    if (form.get("grant_type") !== JWT_BEARER) return sendOAuthError(res, "unsupported_grant_type", `Invalid grant_type: ${form.get("grant_type") ?? ""}`);
    const problem = assertionProblem(form.get("assertion") ?? "");
    if (typeof problem === "string") return sendOAuthError(res, "invalid_grant", problem);
    fake.mints++;
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    issued.set(accessToken, { expiresAt: Date.now() + fake.expiresIn * 1000, projectId: problem.projectId });
    sendJson(res, 200, { access_token: accessToken, expires_in: fake.expiresIn, token_type: "Bearer" });
  }

  /** The service account's project when the assertion is good, else Google's words for what is wrong. */
  function assertionProblem(assertion: string): string | { projectId: string } {
    const [header, payload, signature, ...more] = assertion.split(".");
    if (!header || !payload || !signature || more.length > 0) return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe";
    const head = decodeSegment(header);
    const claims = decodeSegment(payload);
    if (!head || !claims || head.alg !== "RS256") return "Invalid JWT header: only RS256 is accepted";
    const account = typeof claims.iss === "string" ? trusted.get(claims.iss) : undefined;
    if (!account) return "Invalid grant: account not found";
    if (!verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), account.publicKey, Buffer.from(signature, "base64url"))) return "Invalid JWT Signature.";
    if (claims.aud !== tokenUri) return "Invalid JWT: aud is not this token endpoint";
    if (typeof claims.scope !== "string" || !claims.scope.split(" ").includes(VERTEX_SCOPE)) return "Invalid OAuth scope or ID token audience provided.";
    const now = Date.now() / 1000;
    const { iat, exp } = claims;
    if (typeof iat !== "number" || typeof exp !== "number" || iat > now + 60 || exp < now || exp - iat > 3600) {
      return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
    }
    return { projectId: account.projectId };
  }

  return fake;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The answer of the fake behind, relayed as it comes: status, type and body, streamed. */
function forward(res: ServerResponse, origin: string, path: string, from: FakeVertexRequest, headers: Record<string, string>, body: string): Promise<void> {
  return new Promise((resolve) => {
    const mode = from.headers["x-fake-mode"];
    const upstream = httpRequest(`${origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(typeof mode === "string" ? { "x-fake-mode": mode } : {}), ...headers },
    });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, { "content-type": answer.headers["content-type"] ?? "application/json" });
      res.flushHeaders();
      answer.pipe(res);
      answer.on("end", resolve);
      answer.on("error", () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on("error", () => {
      res.destroy();
      resolve();
    });
    res.on("close", () => upstream.destroy());
    upstream.end(body);
  });
}

const STATUS_NAMES: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND" };

/** Google's error shape, which Vertex answers in. */
function sendGoogleError(res: ServerResponse, code: number, message: string) {
  sendJson(res, code, { error: { code, message, status: STATUS_NAMES[code] ?? "UNKNOWN" } });
}

/** What Anthropic's models on Vertex say about a bad body: Anthropic's own error shape. */
function sendAnthropicError(res: ServerResponse, status: number, message: string) {
  sendJson(res, status, { type: "error", error: { type: "invalid_request_error", message } });
}

/** Google's OAuth token endpoint's refusal. */
function sendOAuthError(res: ServerResponse, error: string, description: string) {
  sendJson(res, 400, { error, error_description: description });
}
