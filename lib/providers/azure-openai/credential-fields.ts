import { joinDescription, jsonObject, lastFour, stringField, type CredentialForm } from "../credentials";

/**
 * An Azure OpenAI key, alone (passthrough names the resource in its path) or with its resource and
 * API version, which compat's `azure-openai/{deployment}` needs: `{apiKey, resource, apiVersion?}`.
 */
export const azureOpenAiCredential: CredentialForm = {
  fields: [
    { name: "apiKey", label: "API key", kind: "secret", required: true },
    {
      name: "resource",
      label: "Resource (optional)",
      kind: "text",
      required: false,
      placeholder: "my-resource",
      hint: "The name in https://{resource}.openai.azure.com; needed for compat's azure-openai/{deployment}.",
    },
    {
      name: "apiVersion",
      label: "API version (optional)",
      kind: "text",
      required: false,
      placeholder: "2024-10-21",
      hint: "The api-version compat requests use; the gateway's default otherwise.",
    },
  ],
  compose: ({ apiKey, resource, apiVersion }) =>
    resource || apiVersion ? JSON.stringify({ apiKey, resource, ...(apiVersion ? { apiVersion } : {}) }) : apiKey!,
  describe(secret) {
    if (!secret.trimStart().startsWith("{")) return undefined;
    const credential = jsonObject(secret);
    if (!credential) return "";
    return joinDescription([stringField(credential, "resource"), lastFour(stringField(credential, "apiKey"))]);
  },
};
