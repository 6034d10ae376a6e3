import { CredentialFieldError, joinDescription, jsonObject, stringField, type CredentialForm } from "../credentials";

/** Regions of Vertex AI's generative models; any other can be typed. */
export const GOOGLE_VERTEX_AI_REGIONS = [
  "global",
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "us-west4",
  "northamerica-northeast1",
  "southamerica-east1",
  "europe-west1",
  "europe-west2",
  "europe-west3",
  "europe-west4",
  "europe-west8",
  "europe-west9",
  "europe-north1",
  "europe-central2",
  "europe-southwest1",
  "asia-east1",
  "asia-northeast1",
  "asia-northeast3",
  "asia-south1",
  "asia-southeast1",
  "australia-southeast1",
  "me-central1",
] as const;

/** A service-account key file as pasted: its JSON, or that JSON in base64 (how Cloudflare's form takes it). */
function serviceAccountOf(text: string): Record<string, unknown> | undefined {
  return jsonObject(text) ?? jsonObject(Buffer.from(text, "base64").toString("utf8"));
}

/**
 * A service account's JSON key with the region added, as Cloudflare stores it: the gateway mints
 * OAuth tokens from it.
 */
export const googleVertexAiCredential: CredentialForm = {
  fields: [
    {
      name: "serviceAccount",
      label: "Service account key (JSON)",
      kind: "textarea",
      required: true,
      placeholder: '{"type": "service_account", "project_id": "…", "private_key": "…", "client_email": "…", …}',
      hint: "The key file from Google Cloud (IAM → Service accounts → Keys), pasted or chosen; base64 of it works too.",
      carries: ["type", "project_id", "private_key_id", "private_key", "client_email", "token_uri", "service account"],
    },
    {
      name: "region",
      label: "Region",
      kind: "select",
      required: false,
      options: GOOGLE_VERTEX_AI_REGIONS,
      hint: "Where the gateway sends compat requests; the key file's own \"region\" is used when this is empty.",
    },
  ],
  compose({ serviceAccount, region }) {
    const account = serviceAccountOf(serviceAccount!);
    if (!account) {
      throw new CredentialFieldError("serviceAccount", "paste the service account's JSON key file (or its base64) as downloaded from Google Cloud");
    }
    const chosen = region ?? stringField(account, "region");
    if (!chosen) throw new CredentialFieldError("region", "Region is required, e.g. us-central1");
    return JSON.stringify({ ...account, region: chosen });
  },
  describe(secret) {
    const account = serviceAccountOf(secret);
    if (!account) return "";
    return joinDescription([stringField(account, "client_email"), stringField(account, "region")]);
  },
};
