import { awsBedrockCredential } from "./aws-bedrock/credential-fields";
import { azureOpenAiCredential } from "./azure-openai/credential-fields";
import { CredentialFieldError, type CredentialField, type CredentialForm } from "./credentials";
import { googleVertexAiCredential } from "./google-vertex-ai/credential-fields";
import { workersAiCredential } from "./workers-ai/credential-fields";

export { CredentialFieldError, type CredentialField, type CredentialFieldKind, type CredentialForm } from "./credentials";

/** Keys that are one opaque token. */
export const apiKeyCredential: CredentialForm = {
  fields: [{ name: "secret", label: "API key", kind: "secret", required: true }],
  compose: (values) => values.secret!,
};

const forms: ReadonlyMap<string, CredentialForm> = new Map([
  ["aws-bedrock", awsBedrockCredential],
  ["google-vertex-ai", googleVertexAiCredential],
  ["azure-openai", azureOpenAiCredential],
  ["workers-ai", workersAiCredential],
]);

/** The providers whose key is made of several fields, with their forms. */
export function structuredCredentials(): [slug: string, form: CredentialForm][] {
  return [...forms];
}

/** The fields of a provider's stored key: one "API key" unless the provider's key is structured. */
export function credentialForm(slug: string): CredentialForm {
  return forms.get(slug) ?? apiKeyCredential;
}

/**
 * The secret to store for a provider from its form's fields (the dashboard's inputs, the CLI's
 * `--field`). Values are trimmed and empty ones dropped; a missing required field, a field the
 * provider does not have, or a value that cannot be used throws CredentialFieldError.
 */
export function composeSecret(slug: string, submitted: Readonly<Record<string, string | undefined>>): string {
  const form = credentialForm(slug);
  const known = new Set(form.fields.map((field) => field.name));
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(submitted)) {
    if (!known.has(name)) {
      throw new CredentialFieldError(name, `${slug} keys have no field "${name}"; use ${[...known].join(", ")}`);
    }
    const trimmed = value?.trim();
    if (trimmed) values[name] = trimmed;
  }
  for (const field of form.fields) {
    if (field.required && values[field.name] === undefined) throw new CredentialFieldError(field.name, `${field.label} is required`);
  }
  return form.compose(values);
}

/** See CredentialForm.describe. */
export function describeCredential(slug: string, secret: string): string | undefined {
  return credentialForm(slug).describe?.(secret);
}

/**
 * The field a complaint about a provider's secret is about: the one whose name (or a name it
 * carries) opens the message, as keyProblem messages do (`region: …`, `"client_email" missing`);
 * else the first one whose name, then label, the message mentions.
 */
export function fieldOfProblem(slug: string, message: string): string | undefined {
  const fields = credentialForm(slug).fields;
  const names = (field: CredentialField) => [field.name, ...(field.carries ?? [])].map((name) => name.toLowerCase());
  const opening = /^"?([A-Za-z_][A-Za-z0-9_]*)"?[:\s]/.exec(message)?.[1]?.toLowerCase();
  const named = opening === undefined ? undefined : fields.find((field) => names(field).includes(opening));
  if (named) return named.name;
  const words = new Set(message.toLowerCase().split(/[^a-z0-9_]+/));
  const mentions = (text: string) => text.toLowerCase().split(/[^a-z0-9_]+/).every((word) => words.has(word));
  return (fields.find((field) => names(field).some(mentions)) ?? fields.find((field) => mentions(field.label)))?.name;
}
