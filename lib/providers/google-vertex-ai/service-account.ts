import { createPrivateKey } from "node:crypto";

/** Where Google's service-account JSON says to mint tokens; the only place a deployment without private upstreams sends assertions. */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

/**
 * What a stored Vertex AI key holds: the service-account JSON Google Cloud issues, with the
 * `region` Cloudflare's key form adds (`us-central1`, `europe-west4`, `global`).
 */
export interface ServiceAccount {
  projectId: string;
  region: string;
  clientEmail: string;
  /** PKCS #8 PEM, as Google issues it. */
  privateKey: string;
  /** Names the key in the assertion's header (`kid`); Google finds the key without it too. */
  privateKeyId: string | undefined;
  tokenUri: string;
}

/** A region or project id as Google spells them, and nothing that could leave its path segment. */
const REGION = /^[a-z][a-z0-9-]{0,62}$/;
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,127}$/;
const FORM = 'the service-account JSON Google Cloud issues, with a "region" key added (as is or base64-encoded)';

/** The stored secret as Cloudflare takes it: the JSON itself, or the JSON base64-encoded. */
function jsonOf(secret: string): unknown {
  const text = secret.trim();
  const json = text.startsWith("{") ? text : Buffer.from(text, "base64").toString("utf8");
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The service account a secret holds, or what is wrong with it, naming the field. */
export function readServiceAccount(secret: string): ServiceAccount | string {
  const json = jsonOf(secret);
  if (typeof json !== "object" || json === null || Array.isArray(json)) return `a Vertex AI key is ${FORM}; this is not a JSON object`;
  const fields = json as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === "string" && fields[name] !== "" ? (fields[name] as string) : undefined);
  if (fields.type !== undefined && fields.type !== "service_account") {
    return `"type" is ${JSON.stringify(fields.type)}; a Vertex AI key is a service account's key ("type": "service_account")`;
  }
  const missing = ["project_id", "client_email", "private_key", "region"].filter((name) => text(name) === undefined);
  if (missing.length > 0) return `${missing.map((name) => `"${name}"`).join(", ")} missing: a Vertex AI key is ${FORM}`;
  const region = text("region")!;
  if (!REGION.test(region)) return `"region" ${JSON.stringify(region)} is not a Google Cloud region, like "us-central1" or "global"`;
  const projectId = text("project_id")!;
  if (!PROJECT_ID.test(projectId)) return `"project_id" ${JSON.stringify(projectId)} is not a Google Cloud project id`;
  const tokenUri = text("token_uri") ?? GOOGLE_TOKEN_URI;
  if (!/^https?:\/\/[^/?#\s]+/i.test(tokenUri) || !URL.canParse(tokenUri)) return `"token_uri" is not an http(s) URL`;
  if (fields.private_key_id !== undefined && typeof fields.private_key_id !== "string") return `"private_key_id" must be a string`;
  const privateKey = text("private_key")!;
  try {
    if (createPrivateKey(privateKey).asymmetricKeyType !== "rsa") return `"private_key" is not an RSA key; Google's service-account keys are`;
  } catch {
    return `"private_key" is not a PEM private key ("-----BEGIN PRIVATE KEY-----…")`;
  }
  return {
    projectId,
    region,
    clientEmail: text("client_email")!,
    privateKey,
    privateKeyId: text("private_key_id"),
    tokenUri,
  };
}

/** Vertex AI's host for a region; `global` has its own, without a region prefix. */
export function regionalBaseUrl(region: string): string {
  return region === "global" ? "https://aiplatform.googleapis.com" : `https://${region}-aiplatform.googleapis.com`;
}
