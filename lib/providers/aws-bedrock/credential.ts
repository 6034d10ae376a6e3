import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { isJsonObject, parseJsonObject } from "@/lib/formats/json";
import type { OutgoingCall } from "../types";

/** A stored Bedrock key: AWS credentials and the region they call. */
export interface BedrockKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  sessionToken?: string;
}

/** AWS region names (`us-east-1`, `us-gov-west-1`, `ap-southeast-2`). */
export const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

const KEY_EXAMPLE = '{"accessKeyId": "AKIA…", "secretAccessKey": "…", "region": "us-east-1", "sessionToken": "… (optional)"}';

/** The stored secret read as a Bedrock key, or what is wrong with it (naming the field, never echoing a value). */
export function readBedrockKey(secret: string): BedrockKey | string {
  const json = parseJsonObject(secret);
  if (!isJsonObject(json)) return `an Amazon Bedrock key is the JSON ${KEY_EXAMPLE}`;
  const text = (field: string): string | undefined => (typeof json[field] === "string" && json[field] !== "" ? (json[field] as string) : undefined);
  const accessKeyId = text("accessKeyId");
  if (accessKeyId === undefined) return `accessKeyId: the key's JSON needs its AWS access key id (${KEY_EXAMPLE})`;
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) return "accessKeyId: an AWS access key id is 16 to 128 capital letters and digits (AKIA…, ASIA…)";
  const secretAccessKey = text("secretAccessKey");
  if (secretAccessKey === undefined) return `secretAccessKey: the key's JSON needs its AWS secret access key (${KEY_EXAMPLE})`;
  const region = text("region");
  if (region === undefined) return `region: the key's JSON needs the AWS region it calls, like "us-east-1" (${KEY_EXAMPLE})`;
  if (!AWS_REGION.test(region)) return `region: "${region.slice(0, 40)}" is not an AWS region name, like "us-east-1"`;
  if (json.sessionToken !== undefined && text("sessionToken") === undefined) return "sessionToken: when given, it must be the temporary credentials' session token (text)";
  const sessionToken = text("sessionToken");
  return { accessKeyId, secretAccessKey, region, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/**
 * One signer per credential, so AWS's signer reuses the signing keys it derives (a day's worth of
 * HMACs per region and service) instead of deriving them for every request. Bounded: the oldest
 * credential's signer goes when a new one would pass the limit.
 */
const MAX_SIGNERS = 256;
const signers = new Map<string, SignatureV4>();

function signerFor(key: BedrockKey, secret: string): SignatureV4 {
  let signer = signers.get(secret);
  if (signer) return signer;
  signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken === undefined ? {} : { sessionToken: key.sessionToken }) },
    region: key.region,
    service: "bedrock",
    sha256: Hash.bind(null, "sha256"),
  });
  if (signers.size >= MAX_SIGNERS) signers.delete(signers.keys().next().value!);
  signers.set(secret, signer);
  return signer;
}

/** Mantle's Anthropic Messages API is its own service to sign for. */
function signingService(path: string): string {
  return path.startsWith("anthropic/") ? "bedrock-mantle" : "bedrock";
}

/**
 * Signs the call with SigV4 for the host it actually goes to (the base URL's: AWS's, or the proxy
 * or local server a key's own base URL names) and the path and query under it. `host` is signed
 * but not sent: the HTTP client writes the same value from the URL.
 */
export async function signBedrockCall(call: OutgoingCall, secret: string): Promise<OutgoingCall> {
  const key = readBedrockKey(secret);
  // Refused when stored; a key stored before that check still fails here without showing itself.
  if (typeof key === "string") throw new Error(`the stored Amazon Bedrock key cannot be used: ${key.split(":")[0]} is missing or invalid`);
  const url = new URL(call.baseUrl);
  const queryAt = call.path.indexOf("?");
  const path = queryAt === -1 ? call.path : call.path.slice(0, queryAt);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(queryAt === -1 ? "" : call.path.slice(queryAt + 1))) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  // What a client's own signing left (an AWS SDK pointed at the gateway) would sign for its credentials, not these.
  const { authorization: _replaced, "x-amz-date": _date, "x-amz-security-token": _token, "x-amz-content-sha256": _hash, ...headers } = call.headers;
  const signed = await signerFor(key, secret).sign(
    {
      method: call.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: `${url.pathname.replace(/\/+$/, "")}/${path}`,
      query,
      headers: { ...headers, host: url.host },
      body: call.body,
    },
    { signingService: signingService(path), signingRegion: key.region },
  );
  const { host: _host, ...out } = signed.headers;
  return { ...call, headers: out };
}
