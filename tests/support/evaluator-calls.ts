/**
 * A CallThroughGateway for lib/guardrails' own tests: it posts straight to the fake providers over
 * HTTP, as the gateway would after routing (`compat/chat/completions` with `{provider}/{model}` to
 * the provider's chat endpoint with `{model}`; `openai/moderations` to OpenAI's). The gateway's own
 * CallThroughGateway (lib/gateway) is proved by the integration tests; this one lets the adapters'
 * tests see real wire traffic without a gateway.
 */
import type { CallThroughGateway } from "@/lib/guardrails/evaluator";

export interface EvaluatorCalls {
  call: CallThroughGateway;
  /** Each call made, in order, with the log id it was given. */
  made: Array<{ path: string; body: Record<string, unknown>; logId: string }>;
}

export function directEvaluatorCalls(upstreams: { chatBaseUrl?: string; openAiBaseUrl?: string }, key = "sk-evaluator"): EvaluatorCalls {
  const made: EvaluatorCalls["made"] = [];
  const call: CallThroughGateway = async ({ path, body }, signal) => {
    const logId = `log-${made.length + 1}`;
    made.push({ path, body, logId });
    let url: string;
    let sent = body;
    if (path === "compat/chat/completions" && upstreams.chatBaseUrl) {
      url = `${upstreams.chatBaseUrl}/chat/completions`;
      sent = { ...body, model: String(body.model).slice(String(body.model).indexOf("/") + 1) };
    } else if (path === "openai/moderations" && upstreams.openAiBaseUrl) {
      url = `${upstreams.openAiBaseUrl}/moderations`;
    } else {
      throw new Error(`no upstream for ${path}`);
    }
    const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(sent), signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, logId };
  };
  return { call, made };
}
