import { parseJsonObject } from "@/lib/formats/json";
import { bearerCredential, openAiCompatible, openAiFormatOfPath, type ProviderSpec, type WireFormat } from "../types";

/**
 * Workers AI lives under the customer's Cloudflare account. A stored key names it:
 * `{"accountId": "…", "apiToken": "…"}`, so the base URL follows from the key; a plain API token
 * works with a base URL stored beside it (keys stored before the JSON form).
 *
 * Its native models answer at `run/@cf/{author}/{model}` in Cloudflare's API envelope (the
 * workers-ai format); Cloudflare's gateway URLs leave `run/` out (`…/workers-ai/@cf/meta/…`), so
 * passthrough puts it back. Its OpenAI-compatible endpoints are under `v1/`.
 *
 * A stored base URL may hold `{account_id}` (a proxy in front of Cloudflare's API for several
 * accounts, like the hint's own URL), which the JSON key's account id fills.
 */

const CF_API = "https://api.cloudflare.com/client/v4/accounts";
/** Account ids are 32 hex digits; anything that stays one path segment is let through for proxies and tests. */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ACCOUNT_PLACEHOLDER = "{account_id}";
const SECRET_HINT = '{"accountId": "…", "apiToken": "…"}';

/** Workers AI's model namespaces: Cloudflare's own and the Hugging Face models it hosts. */
export function isWorkersAiModel(name: string): boolean {
  return name.startsWith("@cf/") || name.startsWith("@hf/");
}

interface WorkersAiKey {
  accountId?: string;
  apiToken: string;
}

/** The stored secret: the JSON credential, or a plain token. */
function readKey(secret: string): WorkersAiKey | { problem: string } {
  const text = secret.trim();
  if (!text.startsWith("{")) return { apiToken: text };
  const json = parseJsonObject(text);
  if (!json) return { problem: `a Workers AI credential in JSON must be a JSON object: ${SECRET_HINT}` };
  const { accountId, apiToken } = json;
  if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) {
    return { problem: "accountId must be your Cloudflare account id (32 hex digits, on the dashboard's Workers AI page)" };
  }
  if (typeof apiToken !== "string" || apiToken.trim() === "") return { problem: "apiToken must be a Cloudflare API token with Workers AI permission" };
  return { accountId, apiToken: apiToken.trim() };
}

/** The model a native path names (`@cf/meta/llama-3.1-8b-instruct`, with or without `run/`). */
function nativeModel(path: string): string | undefined {
  const endpoint = path.split("?")[0]!.replace(/^run\//, "");
  return isWorkersAiModel(endpoint) ? endpoint : undefined;
}

function formatOfPath(path: string): WireFormat | undefined {
  return nativeModel(path) !== undefined ? "workers-ai" : openAiFormatOfPath(path);
}

export const workersAi: ProviderSpec = {
  ...openAiCompatible({
    slug: "workers-ai",
    name: "Cloudflare Workers AI",
    baseUrl: null,
    chatCompletionsPath: "v1/chat/completions",
    embeddingsPath: "v1/embeddings",
    baseUrlHint: `${CF_API}/${ACCOUNT_PLACEHOLDER}/ai`,
  }),
  secretHint: SECRET_HINT,
  formatOfPath,
  pathFacts(path) {
    const model = nativeModel(path);
    return model === undefined ? {} : { model };
  },
  passthroughTarget(path) {
    return path.startsWith("@") && nativeModel(path) !== undefined ? { path: `run/${path}` } : undefined;
  },
  applyCredential(call, secret) {
    const key = readKey(secret);
    if ("problem" in key) return bearerCredential(call, secret);
    const baseUrl = key.accountId === undefined ? call.baseUrl : call.baseUrl.replaceAll(ACCOUNT_PLACEHOLDER, key.accountId);
    return bearerCredential({ ...call, baseUrl }, key.apiToken);
  },
  keyProblem(secret) {
    const key = readKey(secret);
    return "problem" in key ? key.problem : undefined;
  },
  baseUrlOfKey(secret) {
    const key = readKey(secret);
    return "accountId" in key && key.accountId !== undefined ? `${CF_API}/${key.accountId}/ai` : undefined;
  },
};

/** For tests and docs: the JSON secret of an account. */
export function workersAiSecret(accountId: string, apiToken: string): string {
  return JSON.stringify({ accountId, apiToken });
}

