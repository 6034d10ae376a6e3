import { joinDescription, jsonObject, lastFour, stringField, type CredentialForm } from "../credentials";

/**
 * A Cloudflare API token with the account it belongs to, `{accountId, apiToken}`, so nobody has to
 * paste a base URL; a token alone still works with one.
 */
export const workersAiCredential: CredentialForm = {
  fields: [
    {
      name: "accountId",
      label: "Account ID",
      kind: "text",
      required: false,
      placeholder: "0123456789abcdef0123456789abcdef",
      hint: "In the Cloudflare dashboard's sidebar; without it the key needs a base URL.",
    },
    { name: "apiToken", label: "API token", kind: "secret", required: true, hint: "A Cloudflare API token with Workers AI permission." },
  ],
  compose: ({ accountId, apiToken }) => (accountId ? JSON.stringify({ accountId, apiToken }) : apiToken!),
  describe(secret) {
    if (!secret.trimStart().startsWith("{")) return undefined;
    const credential = jsonObject(secret);
    if (!credential) return "";
    const accountId = stringField(credential, "accountId");
    return joinDescription([accountId ? `account ${accountId}` : undefined, lastFour(stringField(credential, "apiToken"))]);
  },
};
