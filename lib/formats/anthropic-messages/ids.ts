/**
 * A tool call's signature (Gemini's `thoughtSignature`, which Gemini 3 requires back on the call)
 * rides in the id of the tool_use block the gateway gives an Anthropic client: the block has no
 * other field a client echoes, and its tool_result repeats the id. The Responses codec does the
 * same with function_call item ids. Anthropic's own ids (`toolu_…`) never contain the mark, and
 * the signature never goes to Anthropic, which has no use for it.
 */
const SIGNATURE_MARK = "~sig~";

export function toolUseId(callId: string, signature?: string): string {
  return signature === undefined || signature === "" ? callId : `${callId}${SIGNATURE_MARK}${signature}`;
}

/** The call id and signature a tool_use id (or a tool_result's tool_use_id) carries. */
export function readToolUseId(id: string): { id: string; signature?: string } {
  const at = id.indexOf(SIGNATURE_MARK);
  if (at <= 0) return { id };
  const signature = id.slice(at + SIGNATURE_MARK.length);
  return signature === "" ? { id: id.slice(0, at) } : { id: id.slice(0, at), signature };
}
