/**
 * Ids of the Response and output items the gateway makes for a client when the answer came from
 * another provider. They derive from the provider's response id, so they are stable and unique
 * within a response, and two of them carry what the client must send back next turn:
 * - a reasoning item made from a redacted block (Anthropic's `redacted_thinking`) is marked in its
 *   id, so that it becomes a redacted block again;
 * - a function call's signature (Gemini's `thoughtSignature`) rides in the function_call item's id,
 *   the only field of the item a client echoes that has room for it.
 */

const GATEWAY_REASONING_PREFIX = "rs_gw_";
const REDACTED_REASONING_PREFIX = "rs_gw_redacted_";
const SIGNATURE_SEPARATOR = "~";

export function responseId(providerId: string): string {
  return providerId.startsWith("resp_") ? providerId : `resp_${providerId}`;
}

function base(id: string): string {
  return id.startsWith("resp_") ? id.slice("resp_".length) : id;
}

export function messageItemId(id: string, index: number): string {
  return `msg_${base(id)}_${index}`;
}

export function reasoningItemId(id: string, index: number): string {
  return `${GATEWAY_REASONING_PREFIX}${base(id)}_${index}`;
}

export function redactedReasoningItemId(id: string, index: number): string {
  return `${REDACTED_REASONING_PREFIX}${base(id)}_${index}`;
}

export function isRedactedReasoningItemId(itemId: string): boolean {
  return itemId.startsWith(REDACTED_REASONING_PREFIX);
}

/** Reasoning the gateway made from another provider's thinking: OpenAI cannot read it back. */
export function isGatewayReasoningItemId(itemId: string): boolean {
  return itemId.startsWith(GATEWAY_REASONING_PREFIX);
}

export function functionCallItemId(id: string, index: number, signature?: string): string {
  const itemId = `fc_${base(id)}_${index}`;
  return signature === undefined ? itemId : `${itemId}${SIGNATURE_SEPARATOR}${signature}`;
}

/** The signature a function_call item's id carries, if the gateway put one there. */
export function signatureInFunctionCallItemId(itemId: string): string | undefined {
  const at = itemId.indexOf(SIGNATURE_SEPARATOR);
  return itemId.startsWith("fc_") && at > 0 ? itemId.slice(at + 1) : undefined;
}
