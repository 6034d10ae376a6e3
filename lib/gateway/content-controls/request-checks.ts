import type { WireFormat } from "@/lib/formats/codec";
import { isJsonObject, type JsonObject } from "@/lib/formats/json";
import { withDlpFindings } from "@/lib/dlp/scanner";
import { dlpRequestBlocked } from "../errors";
import { promptText, type ContentControls } from "./controls";
import { judge } from "./judge";

/**
 * The request's checks, once, before the model is called: DLP over the body's content strings
 * first (a BLOCK refuses it with 2029; REDACT sends the provider, and the log, the redacted body),
 * then the guardrails' prompt rules on the prompt as redacted. Returns the body to go on with.
 */
export async function checkRequest(controls: ContentControls, ingress: WireFormat, body: JsonObject): Promise<JsonObject> {
  const { exchange } = controls.ctx;
  if (controls.dlp && controls.scans("REQUEST")) {
    const scan = controls.dlp.scanJsonStrings(body, "REQUEST");
    exchange.dlp = withDlpFindings(exchange.dlp, scan);
    if (scan.blocked) throw dlpRequestBlocked();
    if (scan.redacted !== undefined && isJsonObject(scan.redacted)) {
      body = scan.redacted;
      exchange.requestBody = new TextEncoder().encode(JSON.stringify(body));
    }
  }
  const { guardrails } = controls;
  if (guardrails && (controls.judges("prompt") || controls.judges("response"))) {
    controls.prompt = promptText(ingress, body);
    if (controls.judges("prompt")) await judge(controls, guardrails, "prompt", controls.prompt);
  }
  return body;
}
