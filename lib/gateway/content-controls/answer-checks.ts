import type { ChatStreamEvent, WireError } from "@/lib/formats/canonical";
import type { Codec } from "@/lib/formats/codec";
import { isJsonObject } from "@/lib/formats/json";
import { withDlpFindings } from "@/lib/dlp/scanner";
import { dlpStreamFilter, type DlpStreamFilter } from "@/lib/dlp/stream";
import { ResponseWindows } from "@/lib/guardrails/response-windows";
import type { AnswerChecks } from "../answer";
import { dlpResponseBlocked, GatewayError } from "../errors";
import type { EventStage } from "../stream-taps";
import type { ContentControls } from "./controls";
import { judge } from "./judge";

/**
 * The answer's checks, in the client's format `ingress`: undefined when nothing is checked on
 * answers. A whole answer is scanned and judged before the client gets any of it; a stream goes
 * through `responseStage` as it arrives.
 */
export function answerChecks(controls: ContentControls, ingress: Codec): AnswerChecks | undefined {
  if (!controls.checksResponse) return undefined;
  return {
    stage: () => responseStage(controls),
    review: (body) => reviewWhole(controls, ingress, body),
  };
}

/** DLP over the answer's content strings (2030 on BLOCK, redacted on REDACT), then the response rules on its text. */
async function reviewWhole(controls: ContentControls, ingress: Codec, body: string): Promise<string> {
  let json: unknown = JSON.parse(body);
  const { exchange } = controls.ctx;
  if (controls.dlp && controls.scans("RESPONSE")) {
    const scan = controls.dlp.scanJsonStrings(json, "RESPONSE");
    exchange.dlp = withDlpFindings(exchange.dlp, scan);
    if (scan.blocked) throw dlpResponseBlocked();
    if (scan.redacted !== undefined) {
      json = scan.redacted;
      body = JSON.stringify(json);
    }
  }
  const { guardrails } = controls;
  if (guardrails && controls.judges("response") && isJsonObject(json)) {
    const text = ingress.decodeResponse(json).message.content ?? "";
    await judge(controls, guardrails, "response", text);
  }
  return body;
}

/**
 * A stream's text through DLP's filter (which holds back only what could still become a match, so
 * the first token is not delayed) and, as it grows, the response rules' windows, judged while the
 * stream goes on: a refusal (DLP's BLOCK at once, a guardrail's when its verdict comes) cuts the
 * client's stream off with its error event. Held text is let go at the stream's finish.
 */
export function responseStage(controls: ContentControls): EventStage {
  const { exchange } = controls.ctx;
  const scans = controls.dlp && controls.scans("RESPONSE") ? controls.dlp : undefined;
  const guardrails = controls.judges("response") ? controls.guardrails : undefined;
  const windows = guardrails ? new ResponseWindows() : undefined;
  const pending = new Set<Promise<void>>();
  let filter = scans && dlpStreamFilter(scans, "RESPONSE");
  let refusal: WireError | undefined;
  let refuse: ((error: WireError) => void) | undefined;

  /** Once per filter, when it has seen all it will: its findings are final. */
  const noteFiltered = (done: DlpStreamFilter) => {
    exchange.dlp = withDlpFindings(exchange.dlp, { findings: done.findings(), action: done.action() });
  };
  const refused = (error: unknown) => {
    if (refusal) return;
    // Only refusals reach here (judge turns every other failure into "unavailable"), or the client's abort.
    if (!(error instanceof GatewayError)) return;
    refusal = { status: error.httpCode, message: error.message, code: error.code };
    const told = refusal;
    // Never from inside push: the relay is in the middle of a chunk.
    queueMicrotask(() => refuse?.(told));
  };
  const judgeWindow = (text: string, throughChar: number) => {
    const judging = judge(controls, guardrails!, "response", text, throughChar).catch(refused);
    pending.add(judging);
    void judging.finally(() => pending.delete(judging));
  };
  const passText = (text: string): ChatStreamEvent[] => {
    if (text === "") return [];
    if (windows) for (const window of windows.push(text)) judgeWindow(window.text, window.throughChar);
    return [{ type: "text", text }];
  };
  /** The text is over (for now): DLP lets go of what it held, and the last window is judged. */
  const flush = (): ChatStreamEvent[] => {
    let events: ChatStreamEvent[] = [];
    if (filter) {
      const rest = filter.end().text;
      noteFiltered(filter);
      if (filter.blocked()) {
        refused(dlpResponseBlocked());
        return [];
      }
      events = passText(rest);
      // Text after a finish (rare) starts a filter of its own.
      filter = dlpStreamFilter(scans!, "RESPONSE");
    }
    const last = windows?.end();
    if (last) judgeWindow(last.text, last.throughChar);
    return events;
  };

  return {
    push(event) {
      // The client's stream is over; usage still counts for the log.
      if (refusal) return event.type === "usage" ? [event] : [];
      if (event.type === "text") {
        if (!filter) return passText(event.text);
        const safe = filter.push(event.text).text;
        if (filter.blocked()) {
          noteFiltered(filter);
          refused(dlpResponseBlocked());
          return [];
        }
        return passText(safe);
      }
      if (event.type === "finish") return [...flush(), event];
      return [event];
    },
    end: () => (refusal ? [] : flush()),
    async drain() {
      while (pending.size > 0) await Promise.all(pending);
    },
    onRefusal(listener) {
      refuse = listener;
    },
  };
}
