import type { OutgoingCall, ProviderSpec } from "../types";

/** The Messages API version the gateway asks for when the client named none (Anthropic requires one). */
export const ANTHROPIC_VERSION = "2023-06-01";

function withVersion(call: OutgoingCall): OutgoingCall {
  if (call.headers["anthropic-version"] !== undefined) return call;
  return { ...call, headers: { ...call.headers, "anthropic-version": ANTHROPIC_VERSION } };
}

export const anthropic: ProviderSpec = {
  slug: "anthropic",
  name: "Anthropic",
  baseUrl: "https://api.anthropic.com",
  format: "anthropic-messages",
  chatCompletionsPath: "v1/messages",
  embeddingsPath: undefined,
  // count_tokens answers `{input_tokens}`, a free estimate rather than usage: nothing to bill.
  formatOfPath: (path) => (/^(?:v1\/)?messages\/?(?:\?|$)/.test(path) ? "anthropic-messages" : undefined),
  applyCredential: (call, key) => withVersion({ ...call, headers: { ...call.headers, "x-api-key": key } }),
  credentialHeaders: ["x-api-key"],
  completeCall: withVersion,
};
