import type { ChatRequest } from "@/lib/formats/canonical";
import { FormatError, type WireFormat } from "@/lib/formats/codec";
import { codecFor } from "@/lib/formats/index";
import type { JsonObject } from "@/lib/formats/json";
import { errorLine } from "@/lib/error-line";
import { compileDlp, type CompiledDlp } from "@/lib/dlp/scanner";
import { selectPolicies } from "@/lib/dlp/settings";
import type { DlpCheck } from "@/lib/dlp/types";
import type { GuardrailEvaluator } from "@/lib/guardrails/evaluator";
import { evaluatorFor } from "@/lib/guardrails/evaluators";
import { checkApplies } from "@/lib/guardrails/settings";
import type { GuardrailCheck, GuardrailSettings } from "@/lib/guardrails/types";
import { formatRefusal, invalidRequest } from "../errors";
import type { SurfaceContext } from "../surfaces/context";
import { callThroughGateway } from "./call-through-gateway";

/**
 * The content controls of one request (DLP, guardrails), from its gateway's settings: built once
 * per request by the chat surface, and only when the gateway has any (`contentControlsFor`).
 */
export class ContentControls {
  private judge: GuardrailEvaluator | undefined;
  /** The client's prompt text, for the evaluator to read a response after it. */
  prompt: string | undefined;

  constructor(
    readonly ctx: SurfaceContext,
    /** Undefined when DLP is off, or could not be compiled. */
    readonly dlp: CompiledDlp | undefined,
    readonly guardrails: GuardrailSettings | undefined,
  ) {}

  scans(check: DlpCheck): boolean {
    return this.dlp !== undefined && this.dlp.scans(check);
  }

  judges(check: GuardrailCheck): boolean {
    return this.guardrails !== undefined && checkApplies(this.guardrails, check);
  }

  /** Anything to do on the answer: then even a same-format answer is read as canonical events. */
  get checksResponse(): boolean {
    return this.scans("RESPONSE") || this.judges("response");
  }

  get evaluator(): GuardrailEvaluator {
    return (this.judge ??= evaluatorFor(this.guardrails!.evaluator, callThroughGateway(this.ctx)));
  }
}

/**
 * Undefined, at no cost, when the gateway has neither DLP nor guardrails, and for the gateway's
 * own calls (an evaluation is not evaluated). A `cf-aig-dlp-policies` naming a policy the gateway
 * does not have is a 400 naming it.
 */
export function contentControlsFor(ctx: SurfaceContext): ContentControls | undefined {
  const { exchange } = ctx;
  const gateway = exchange.gateway;
  if (!gateway || exchange.parentRequestId !== undefined) return undefined;
  const dlpSettings = gateway.dlp?.enabled ? gateway.dlp : undefined;
  const guardrails = gateway.guardrails ?? undefined;
  if (!dlpSettings && !guardrails) return undefined;
  let dlp: CompiledDlp | undefined;
  if (dlpSettings) {
    const selected = selectPolicies(dlpSettings, exchange.options?.dlpPolicies?.join(","));
    if ("problem" in selected) throw invalidRequest(`Invalid cf-aig-dlp-policies header: ${selected.problem}`, "invalid_header");
    try {
      dlp = compileDlp(dlpSettings, selected.policyIds);
    } catch (error) {
      // Settings are validated on save; one that still cannot compile must not fail the request.
      console.error(`switchyard gateway: the DLP settings of gateway ${gateway.id} cannot be compiled; DLP is skipped: ${errorLine(error)}`);
    }
  }
  return new ContentControls(ctx, dlp, guardrails);
}

/** The prompt's text as the evaluator reads it: the system and user turns' text, from the canonical request. */
export function promptText(ingress: WireFormat, body: JsonObject): string {
  let request: ChatRequest;
  try {
    request = codecFor(ingress).decodeRequest(body);
  } catch (error) {
    throw error instanceof FormatError ? formatRefusal(error) : error;
  }
  const parts: string[] = [];
  for (const message of request.messages) {
    if (message.role !== "user" && message.role !== "system" && message.role !== "developer") continue;
    if (typeof message.content === "string") parts.push(message.content);
    else for (const part of message.content) if (part.type === "text") parts.push(part.text);
  }
  return parts.join("\n\n");
}
