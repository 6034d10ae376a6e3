import { joinDescription, jsonObject, lastFour, stringField, type CredentialForm } from "../credentials";

/** Regions with Bedrock's runtime endpoint; any other can be typed. */
export const AWS_BEDROCK_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "us-gov-west-1",
  "ca-central-1",
  "sa-east-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
] as const;

/** An IAM access key the gateway signs requests with (SigV4): `{accessKeyId, secretAccessKey, region, sessionToken?}`. */
export const awsBedrockCredential: CredentialForm = {
  fields: [
    { name: "accessKeyId", label: "Access key ID", kind: "text", required: true, placeholder: "AKIA…" },
    { name: "secretAccessKey", label: "Secret access key", kind: "secret", required: true },
    {
      name: "region",
      label: "Region",
      kind: "select",
      required: true,
      options: AWS_BEDROCK_REGIONS,
      hint: "Where the gateway sends requests that do not name a region in their path.",
    },
    {
      name: "sessionToken",
      label: "Session token (optional)",
      kind: "secret",
      required: false,
      hint: "Only for temporary credentials; they stop working when it expires.",
    },
  ],
  compose: ({ accessKeyId, secretAccessKey, region, sessionToken }) =>
    JSON.stringify({ accessKeyId, secretAccessKey, region, ...(sessionToken ? { sessionToken } : {}) }),
  describe(secret) {
    const credential = jsonObject(secret);
    if (!credential) return "";
    const keyId = stringField(credential, "accessKeyId");
    return joinDescription([keyId ? `key ${lastFour(keyId) ?? "…"}` : undefined, stringField(credential, "region")]);
  },
};
