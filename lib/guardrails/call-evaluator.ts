import { isJsonObject } from "@/lib/formats/json";
import { EvaluatorUnavailableError, type CallThroughGateway, type GatewayCallResult } from "./evaluator";

/**
 * Calls the evaluator through the gateway: a non-2xx answer, or a call that throws, is
 * `EvaluatorUnavailableError`; an abort of `signal` rejects with its reason, untouched.
 */
export async function callEvaluator(call: CallThroughGateway, request: Parameters<CallThroughGateway>[0], signal: AbortSignal, name: string): Promise<GatewayCallResult> {
  let result: GatewayCallResult;
  try {
    result = await call(request, signal);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new EvaluatorUnavailableError(`the evaluator ${name} could not be called: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (result.status < 200 || result.status > 299) {
    const why = errorMessage(result.json);
    throw new EvaluatorUnavailableError(`the evaluator ${name} answered ${result.status}${why ? `: ${why}` : ""}`, result.logId);
  }
  return result;
}

/** An OpenAI-shaped error body's message (the gateway's own errors have one too). */
function errorMessage(json: unknown): string | undefined {
  if (!isJsonObject(json)) return undefined;
  const error = Array.isArray(json.error) ? (json.error as unknown[])[0] : json.error;
  if (isJsonObject(error) && typeof error.message === "string") return error.message.slice(0, 200);
  return undefined;
}
