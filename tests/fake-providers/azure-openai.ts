/**
 * A fake Azure OpenAI over real HTTP: Azure's URLs, key header and errors in front of the fake
 * OpenAI (openai.ts), which answers everything else as it answers OpenAI's own paths (JSON and
 * streams, tools, modes picked by the model's name).
 *
 * - `POST /openai/deployments/{deployment}/{endpoint}?api-version=…`: without `api-version`,
 *   Azure's 404 "Resource not found". `POST /openai/v1/{endpoint}` (the v1 API): the deployment
 *   is the body's `model`, no version needed.
 * - Without an `api-key` header, or with one in `rejectedKeys`, Azure's 401.
 * - The deployment is served by the model `deployments` maps it to (itself when unmapped, so a
 *   deployment named `fake-error-429` picks the fake OpenAI's mode); the answer names that model,
 *   as Azure's answers name the model behind the deployment.
 */
import { request } from "undici";
import type { ServerResponse } from "node:http";
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from "./http";
import { startFakeOpenAI, type FakeOpenAI } from "./openai";

export interface FakeAzureRequest extends RecordedRequest {
  /** The deployment the path or (v1 API) the body named; "" when neither did. */
  deployment: string;
}

export interface FakeAzureOpenAI extends FakeServer<FakeAzureRequest> {
  /** The fake OpenAI answering behind it. */
  openai: FakeOpenAI;
  /** Deployment name → the model it serves. */
  deployments: Map<string, string>;
  /** Keys answered with Azure's 401. */
  rejectedKeys: Set<string>;
}

/** Azure's words for a missing or wrong key. */
export const AZURE_ACCESS_DENIED =
  "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(.+)$/;
const V1_PATH = /^\/openai\/v1\/(.+)$/;

export async function startFakeAzureOpenAI(): Promise<FakeAzureOpenAI> {
  const openai = await startFakeOpenAI();
  const deployments = new Map<string, string>();
  const rejectedKeys = new Set<string>();

  const server = await startFakeServer<FakeAzureRequest>(
    (base) => {
      const path = DEPLOYMENT_PATH.exec(base.path);
      const bodyModel = typeof base.body?.model === "string" ? base.body.model : "";
      return { ...base, mode: "", deployment: path ? decodeURIComponent(path[1]!) : V1_PATH.test(base.path) ? bodyModel : "" };
    },
    async (req, res) => {
      const key = req.headers["api-key"];
      if (typeof key !== "string" || key === "" || rejectedKeys.has(key)) return azureError(res, 401, AZURE_ACCESS_DENIED);
      const deploymentPath = DEPLOYMENT_PATH.exec(req.path);
      const v1Path = V1_PATH.exec(req.path);
      if (!deploymentPath && !v1Path) return azureError(res, 404, "Resource not found");
      if (deploymentPath && req.query["api-version"] === undefined) return azureError(res, 404, "Resource not found");
      const endpoint = (deploymentPath ? deploymentPath[2] : v1Path![1])!;
      const body = req.body ? JSON.stringify({ ...req.body, model: deployments.get(req.deployment) ?? req.deployment }) : req.rawBody;
      const answer = await request(`${openai.baseUrl}/${endpoint}`, {
        method: req.method as "POST",
        headers: { "content-type": req.headers["content-type"] ?? "application/json", authorization: `Bearer ${key}` },
        body: body === "" ? undefined : body,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (typeof value === "string" && !["connection", "keep-alive", "transfer-encoding", "content-length"].includes(name)) headers[name] = value;
      }
      res.writeHead(answer.statusCode, headers);
      for await (const chunk of answer.body) res.write(chunk as Buffer);
      res.end();
    },
  );

  return {
    ...server,
    openai,
    deployments,
    rejectedKeys,
    close: async () => {
      await Promise.all([server.close(), openai.close()]);
    },
  };
}

/** Azure's error body: `{error: {code, message}}`, the code being the status as a string. */
function azureError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: String(status), message } });
}
