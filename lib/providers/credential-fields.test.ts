import { describe, expect, it } from "vitest";
import { composeSecret, credentialForm, CredentialFieldError, describeCredential, fieldOfProblem } from "./credential-fields";

const serviceAccount = {
  type: "service_account",
  project_id: "acme-ai",
  private_key_id: "0123456789abcdef",
  private_key: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
  client_email: "gateway@acme-ai.iam.gserviceaccount.com",
  token_uri: "https://oauth2.googleapis.com/token",
};
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function thrown(run: () => unknown): CredentialFieldError {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialFieldError) return error;
    throw error;
  }
  throw new Error("nothing was thrown");
}

describe("a provider's key fields", () => {
  it("are one API key for providers whose key is a token", () => {
    expect(credentialForm("openai").fields).toEqual([{ name: "secret", label: "API key", kind: "secret", required: true }]);
    expect(credentialForm("custom-gpu-box").fields.map((f) => f.name)).toEqual(["secret"]);
    expect(composeSecret("openai", { secret: "  sk-123  " })).toBe("sk-123");
  });

  it("are named apart from the form's own fields, so one form holds both", () => {
    for (const slug of ["openai", "aws-bedrock", "google-vertex-ai", "azure-openai", "workers-ai"]) {
      const names = credentialForm(slug).fields.map((f) => f.name);
      expect(names.filter((name) => ["provider", "alias", "gateway", "baseUrl"].includes(name))).toEqual([]);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("make Bedrock's JSON, with a session token only when given", () => {
    const fields = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET_ACCESS_KEY, region: "eu-west-1" };
    expect(JSON.parse(composeSecret("aws-bedrock", { ...fields, sessionToken: " " }))).toEqual(fields);
    expect(JSON.parse(composeSecret("aws-bedrock", { ...fields, sessionToken: "IQoJb3JpZ2luX2VjE" }))).toEqual({
      ...fields,
      sessionToken: "IQoJb3JpZ2luX2VjE",
    });
    expect(credentialForm("aws-bedrock").fields.find((f) => f.name === "region")).toMatchObject({
      kind: "select",
      options: expect.arrayContaining(["us-east-1", "eu-central-1", "ap-northeast-1"]),
    });
  });

  it("say which required field is missing", () => {
    const error = thrown(() => composeSecret("aws-bedrock", { accessKeyId: "AKIAIOSFODNN7EXAMPLE", region: "us-east-1" }));
    expect(error).toMatchObject({ field: "secretAccessKey", message: "Secret access key is required" });
    expect(thrown(() => composeSecret("openai", { secret: "" }))).toMatchObject({ field: "secret", message: "API key is required" });
  });

  it("refuse a field the provider does not have, naming the ones it has", () => {
    expect(thrown(() => composeSecret("workers-ai", { apiToken: "t", acountId: "x" }))).toMatchObject({
      field: "acountId",
      message: 'workers-ai keys have no field "acountId"; use accountId, apiToken',
    });
  });

  it("merge Vertex's region into the pasted service account, raw or base64", () => {
    const raw = JSON.stringify(serviceAccount, null, 2);
    expect(JSON.parse(composeSecret("google-vertex-ai", { serviceAccount: raw, region: "europe-west4" }))).toEqual({
      ...serviceAccount,
      region: "europe-west4",
    });
    const base64 = Buffer.from(raw).toString("base64");
    expect(JSON.parse(composeSecret("google-vertex-ai", { serviceAccount: base64, region: "us-central1" }))).toEqual({
      ...serviceAccount,
      region: "us-central1",
    });
    // A key file that already has a region keeps it unless the field names another.
    const withRegion = JSON.stringify({ ...serviceAccount, region: "asia-east1" });
    expect(JSON.parse(composeSecret("google-vertex-ai", { serviceAccount: withRegion })).region).toBe("asia-east1");
    expect(JSON.parse(composeSecret("google-vertex-ai", { serviceAccount: withRegion, region: "global" })).region).toBe("global");
  });

  it("refuse a Vertex key that is not JSON, or has no region", () => {
    expect(thrown(() => composeSecret("google-vertex-ai", { serviceAccount: "not json", region: "us-central1" }))).toMatchObject({
      field: "serviceAccount",
    });
    expect(thrown(() => composeSecret("google-vertex-ai", { serviceAccount: "[1, 2]", region: "us-central1" }))).toMatchObject({
      field: "serviceAccount",
    });
    expect(thrown(() => composeSecret("google-vertex-ai", { serviceAccount: JSON.stringify(serviceAccount) }))).toMatchObject({
      field: "region",
      message: "Region is required, e.g. us-central1",
    });
  });

  it("keep an Azure key plain unless it names its resource", () => {
    expect(composeSecret("azure-openai", { apiKey: "0123456789abcdef0123456789abcdef" })).toBe("0123456789abcdef0123456789abcdef");
    expect(JSON.parse(composeSecret("azure-openai", { apiKey: "k", resource: "acme-east" }))).toEqual({ apiKey: "k", resource: "acme-east" });
    expect(JSON.parse(composeSecret("azure-openai", { apiKey: "k", resource: "acme-east", apiVersion: "2024-10-21" }))).toEqual({
      apiKey: "k",
      resource: "acme-east",
      apiVersion: "2024-10-21",
    });
  });

  it("put the Workers AI account id beside the token, or leave the token alone", () => {
    expect(JSON.parse(composeSecret("workers-ai", { accountId: "0123456789abcdef0123456789abcdef", apiToken: "cf-token" }))).toEqual({
      accountId: "0123456789abcdef0123456789abcdef",
      apiToken: "cf-token",
    });
    expect(composeSecret("workers-ai", { apiToken: "cf-token" })).toBe("cf-token");
  });
});

describe("what a list shows of a structured key", () => {
  it("is the access key id's last four and the region for Bedrock, never the secret key", () => {
    const secret = composeSecret("aws-bedrock", {
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: SECRET_ACCESS_KEY,
      region: "us-west-2",
      sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
    });
    expect(describeCredential("aws-bedrock", secret)).toBe("key …MPLE · us-west-2");
  });

  it("is the service account's email and region for Vertex, from JSON or base64", () => {
    const secret = JSON.stringify({ ...serviceAccount, region: "us-central1" });
    expect(describeCredential("google-vertex-ai", secret)).toBe("gateway@acme-ai.iam.gserviceaccount.com · us-central1");
    expect(describeCredential("google-vertex-ai", Buffer.from(secret).toString("base64"))).toBe(
      "gateway@acme-ai.iam.gserviceaccount.com · us-central1",
    );
  });

  it("is the resource and the key's last four for Azure JSON, the usual preview for a plain key", () => {
    expect(describeCredential("azure-openai", JSON.stringify({ apiKey: "0123456789abcdef0123456789abWXYZ", resource: "acme" }))).toBe(
      "acme · …WXYZ",
    );
    expect(describeCredential("azure-openai", "0123456789abcdef0123456789abWXYZ")).toBeUndefined();
  });

  it("is the account id for Workers AI JSON, the usual preview for a plain token", () => {
    expect(describeCredential("workers-ai", JSON.stringify({ accountId: "abc123", apiToken: "short" }))).toBe("account abc123");
    expect(describeCredential("workers-ai", "plain-cloudflare-token-0123")).toBeUndefined();
  });

  it("is nothing for a structured secret it cannot read, rather than a slice of it", () => {
    expect(describeCredential("aws-bedrock", `{"secretAccessKey":"${SECRET_ACCESS_KEY}"`)).toBe("");
    expect(describeCredential("google-vertex-ai", "not a key file")).toBe("");
    expect(describeCredential("azure-openai", `{"apiKey": "unterminated`)).toBe("");
    expect(describeCredential("openai", "sk-0123456789abcdef")).toBeUndefined();
  });
});

describe("the field a provider's complaint is about", () => {
  it("is the field it names, by name, label or a name inside the field", () => {
    expect(fieldOfProblem("aws-bedrock", "region must be an AWS region like us-east-1")).toBe("region");
    expect(fieldOfProblem("aws-bedrock", "secretAccessKey is missing")).toBe("secretAccessKey");
    expect(fieldOfProblem("aws-bedrock", "the access key ID is empty")).toBe("accessKeyId");
    expect(fieldOfProblem("google-vertex-ai", "client_email is missing from the service account")).toBe("serviceAccount");
    expect(fieldOfProblem("workers-ai", "accountId must be 32 hexadecimal characters")).toBe("accountId");
  });

  it("is the field a message opens with, whatever else it mentions", () => {
    const example = '{"accessKeyId": "…", "secretAccessKey": "…", "region": "us-east-1"}';
    expect(fieldOfProblem("aws-bedrock", `secretAccessKey: the key's JSON needs its AWS secret access key (${example})`)).toBe("secretAccessKey");
    expect(fieldOfProblem("aws-bedrock", `Region: the key's JSON needs the AWS region it calls (${example})`)).toBe("region");
    expect(fieldOfProblem("google-vertex-ai", '"region" "mars-1" is not a Google Cloud region, like "us-central1" or "global"')).toBe("region");
    expect(fieldOfProblem("google-vertex-ai", '"project_id", "region" missing: a Vertex AI key is a service account\'s JSON')).toBe("serviceAccount");
    expect(fieldOfProblem("azure-openai", "resource must be the resource's name, not its URL")).toBe("resource");
  });

  it("is none when it names no field", () => {
    expect(fieldOfProblem("aws-bedrock", "not a JSON object")).toBeUndefined();
    expect(fieldOfProblem("openai", "too short")).toBeUndefined();
  });
});
