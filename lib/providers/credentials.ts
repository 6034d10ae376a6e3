/**
 * How a field is entered: `secret` is a password input; `textarea` takes a pasted document (a
 * service-account JSON) and also offers a file input that fills it; `select` suggests `options`
 * and accepts any other text (a region the list does not know yet).
 */
export type CredentialFieldKind = "text" | "secret" | "textarea" | "select";

/** One field of a stored key's form, in the dashboard and in the CLI's `--field name=value`. */
export interface CredentialField {
  /** The form field's name and the CLI's; also the JSON property it becomes, where it becomes one. */
  name: string;
  label: string;
  kind: CredentialFieldKind;
  required: boolean;
  hint?: string;
  placeholder?: string;
  /** Suggestions of a `select`. */
  options?: readonly string[];
  /**
   * Other names a provider's check of the secret may give what this field carries (the
   * `client_email` inside a pasted service account), so its complaint shows on this field.
   */
  carries?: readonly string[];
}

/** What a provider's stored key is made of, and how the fields become the secret the gateway reads. */
export interface CredentialForm {
  fields: readonly CredentialField[];
  /**
   * The secret for the submitted fields, which hold trimmed, non-empty values only; required
   * fields are checked before. Throws CredentialFieldError when a value cannot be used.
   */
  compose(values: Readonly<Record<string, string>>): string;
  /**
   * What a list may show of a stored secret in place of its first and last characters (an access
   * key id's last four, a service account's email): never a secret part. Undefined for a plain
   * key, which gets the usual preview; empty for a structured secret it cannot read.
   */
  describe?(secret: string): string | undefined;
}

/** A submitted field the secret cannot be made from; `field` is its name, `message` says what to fix. */
export class CredentialFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "CredentialFieldError";
  }
}

/** A JSON object, or undefined when the text is not one. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A string property of a parsed credential, or undefined. */
export function stringField(object: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = object?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The last four characters of a key long enough that four give little away, else nothing. */
export function lastFour(key: string | undefined): string | undefined {
  return key && key.length >= 16 ? `…${key.slice(-4)}` : undefined;
}

/** The parts of a description that are known, joined. */
export function joinDescription(parts: readonly (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined).join(" · ");
}
