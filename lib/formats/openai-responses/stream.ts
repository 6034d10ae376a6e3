import type { CanonicalUsage, ChatStreamEvent, FinishReason, SseEvent } from "@/lib/formats/canonical";
import type { StreamDecoder, StreamEncoder } from "@/lib/formats/codec";
import { isJsonObject, parseJsonObject, type JsonObject } from "@/lib/formats/json";
import { responsesErrorEvent, statusForCode } from "./error";
import { functionCallItemId, isRedactedReasoningItemId, messageItemId, reasoningItemId, redactedReasoningItemId, signatureInFunctionCallItemId } from "./ids";
import { functionCallItem, itemStatus, outputText, responseObject } from "./response";
import { usageFromResponsesBody } from "./usage";

/**
 * The Responses API's stream: named events (`event: response.output_text.delta`), each a JSON object
 * with its `type` and a `sequence_number`. A response is created, then each output item is added,
 * streamed and done in turn (reasoning, the message, function calls), and the stream ends with
 * `response.completed` (or `response.incomplete`) holding the whole Response and its usage.
 */

interface Start {
  id: string;
  model: string;
  created: number;
}

interface OpenText {
  kind: "message" | "reasoning";
  outputIndex: number;
  itemId: string;
  text: string;
  /** Whether its content part (message) or summary part (reasoning) was announced. */
  partOpen: boolean;
}

interface Call {
  /** The call's position among the message's calls, from which its item id derives. */
  position: number;
  outputIndex: number;
  itemId: string;
  callId: string;
  name: string;
  args: string;
  signature?: string;
}

/** Canonical events → the events the openai SDK's `responses.stream()` and `create({ stream: true })` accept. */
export class ResponsesStreamEncoder implements StreamEncoder {
  private sequence = 0;
  private start: Start | undefined;
  /** Every output item as last announced, by output index: the final Response's output. */
  private readonly items: JsonObject[] = [];
  private current: OpenText | undefined;
  private readonly calls = new Map<number, Call>();
  private messages = 0;
  private reasonings = 0;
  private finish: FinishReason | undefined;
  private usage: Partial<CanonicalUsage> | undefined;
  private ended = false;

  push(event: ChatStreamEvent): SseEvent[] {
    if (this.ended) return [];
    const out: SseEvent[] = [];
    if (event.type === "start") {
      if (this.start === undefined) this.begin(out, event);
      return out;
    }
    this.begin(out);
    switch (event.type) {
      case "text":
        if (event.text !== "") this.appendText(out, "message", event.text);
        break;
      case "reasoning":
        if (event.text !== "") this.appendText(out, "reasoning", event.text);
        break;
      case "reasoning_end":
        if (event.redacted !== undefined) this.addRedacted(out, event.redacted);
        else this.endReasoning(out, event.signature);
        break;
      case "tool_call_start":
        // A call starts once; a repeated start would leave an item the SDK finds unfinished.
        if (!this.calls.has(event.index)) this.startCall(out, event.index, event.id, event.name, event.signature);
        break;
      case "tool_call_delta": {
        const call = this.calls.get(event.index);
        if (call === undefined || event.arguments === "") break;
        call.args += event.arguments;
        this.emit(out, "response.function_call_arguments.delta", { item_id: call.itemId, output_index: call.outputIndex, delta: event.arguments });
        break;
      }
      case "finish":
        this.finish = event.reason;
        break;
      case "usage":
        this.usage = { ...this.usage, ...event.usage };
        break;
      case "error":
        out.push(responsesErrorEvent(event.error, this.sequence++));
        this.ended = true;
        break;
    }
    return out;
  }

  end(): SseEvent[] {
    if (this.ended) return [];
    const out: SseEvent[] = [];
    this.begin(out);
    // An answer with no calls has a message, even an empty one, as OpenAI's do.
    if (this.messages === 0 && this.calls.size === 0) this.openPart(out, this.openText(out, "message"));
    this.closeAll(out);
    this.ended = true;
    const start = this.started();
    const finish = this.finish ?? (this.calls.size > 0 ? "tool_calls" : "stop");
    const response = responseObject(start, finish, this.items, this.usage === undefined ? undefined : completeUsage(this.usage));
    this.emit(out, response.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
    return out;
  }

  /** A stream must open with response.created; a provider stream that did not say where it began gets a made-up start. */
  private begin(out: SseEvent[], start?: Start): void {
    if (this.start !== undefined) return;
    this.start = start ?? { id: `resp_${crypto.randomUUID().replaceAll("-", "")}`, model: "", created: Math.floor(Date.now() / 1000) };
    const response = responseObject(this.start, "in_progress", []);
    this.emit(out, "response.created", { response });
    this.emit(out, "response.in_progress", { response });
  }

  private started(): Start {
    if (this.start === undefined) throw new Error("the stream has not begun");
    return this.start;
  }

  private emit(out: SseEvent[], type: string, fields: JsonObject): void {
    out.push({ event: type, data: JSON.stringify({ type, sequence_number: this.sequence++, ...fields }) });
  }

  private appendText(out: SseEvent[], kind: OpenText["kind"], text: string): void {
    const open = this.current?.kind === kind ? this.current : this.openText(out, kind);
    if (!open.partOpen) this.openPart(out, open);
    open.text += text;
    if (kind === "message") {
      this.emit(out, "response.output_text.delta", { item_id: open.itemId, output_index: open.outputIndex, content_index: 0, delta: text, logprobs: [] });
    } else {
      this.emit(out, "response.reasoning_summary_text.delta", { item_id: open.itemId, output_index: open.outputIndex, summary_index: 0, delta: text });
    }
  }

  private openText(out: SseEvent[], kind: OpenText["kind"]): OpenText {
    if (this.current !== undefined) this.closeText(out, this.current);
    const start = this.started();
    const itemId = kind === "message" ? messageItemId(start.id, this.messages++) : reasoningItemId(start.id, this.reasonings++);
    const open: OpenText = { kind, outputIndex: this.items.length, itemId, text: "", partOpen: false };
    const item: JsonObject =
      kind === "message"
        ? { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] }
        : { type: "reasoning", id: itemId, summary: [] };
    this.addItem(out, item);
    this.current = open;
    return open;
  }

  private openPart(out: SseEvent[], open: OpenText): void {
    open.partOpen = true;
    const at = { item_id: open.itemId, output_index: open.outputIndex };
    if (open.kind === "message") this.emit(out, "response.content_part.added", { ...at, content_index: 0, part: outputText("") });
    else this.emit(out, "response.reasoning_summary_part.added", { ...at, summary_index: 0, part: { type: "summary_text", text: "" } });
  }

  private addItem(out: SseEvent[], item: JsonObject): void {
    this.emit(out, "response.output_item.added", { output_index: this.items.length, item });
    this.items.push(item);
  }

  private doneItem(out: SseEvent[], outputIndex: number, item: JsonObject): void {
    this.items[outputIndex] = item;
    this.emit(out, "response.output_item.done", { output_index: outputIndex, item });
  }

  /** A thinking block's end: its signature becomes the reasoning item's encrypted content. */
  private endReasoning(out: SseEvent[], signature: string | undefined): void {
    const open = this.current?.kind === "reasoning" ? this.current : this.openText(out, "reasoning");
    this.closeText(out, open, signature);
  }

  private addRedacted(out: SseEvent[], data: string): void {
    if (this.current !== undefined) this.closeText(out, this.current);
    const item = { type: "reasoning", id: redactedReasoningItemId(this.started().id, this.reasonings++), summary: [], encrypted_content: data };
    const outputIndex = this.items.length;
    this.addItem(out, item);
    this.doneItem(out, outputIndex, item);
  }

  private startCall(out: SseEvent[], index: number, callId: string, name: string, signature?: string): void {
    if (this.current !== undefined) this.closeText(out, this.current);
    const position = this.calls.size;
    const call: Call = {
      position,
      outputIndex: this.items.length,
      itemId: functionCallItemId(this.started().id, position, signature),
      callId,
      name,
      args: "",
      ...(signature !== undefined ? { signature } : {}),
    };
    this.calls.set(index, call);
    this.addItem(out, functionCallItem(this.started().id, position, callId, name, "", signature, "in_progress"));
  }

  /**
   * Function calls stay open until the stream ends, since a provider may interleave parallel calls'
   * arguments with each other (or with text): their done events then hold all of them.
   */
  private closeAll(out: SseEvent[]): void {
    if (this.current !== undefined) this.closeText(out, this.current);
    for (const call of [...this.calls.values()].sort((a, b) => a.outputIndex - b.outputIndex)) {
      this.emit(out, "response.function_call_arguments.done", { item_id: call.itemId, output_index: call.outputIndex, arguments: call.args });
      this.doneItem(out, call.outputIndex, functionCallItem(this.started().id, call.position, call.callId, call.name, call.args, call.signature));
    }
  }

  private closeText(out: SseEvent[], open: OpenText, signature?: string): void {
    this.current = undefined;
    const at = { item_id: open.itemId, output_index: open.outputIndex };
    if (open.kind === "message") {
      const part = outputText(open.text);
      if (open.partOpen) {
        this.emit(out, "response.output_text.done", { ...at, content_index: 0, text: open.text, logprobs: [] });
        this.emit(out, "response.content_part.done", { ...at, content_index: 0, part });
      }
      const status = itemStatus(this.finish ?? "stop");
      this.doneItem(out, open.outputIndex, { type: "message", id: open.itemId, role: "assistant", status, content: open.partOpen ? [part] : [] });
      return;
    }
    const summary = { type: "summary_text", text: open.text };
    if (open.partOpen) {
      this.emit(out, "response.reasoning_summary_text.done", { ...at, summary_index: 0, text: open.text });
      this.emit(out, "response.reasoning_summary_part.done", { ...at, summary_index: 0, part: summary });
    }
    this.doneItem(out, open.outputIndex, {
      type: "reasoning",
      id: open.itemId,
      summary: open.partOpen ? [summary] : [],
      ...(signature !== undefined ? { encrypted_content: signature } : {}),
    });
  }
}

function completeUsage(usage: Partial<CanonicalUsage>): CanonicalUsage {
  return {
    input: usage.input ?? 0,
    output: usage.output ?? 0,
    cache_read: usage.cache_read ?? 0,
    cache_write: usage.cache_write ?? 0,
    reasoning: usage.reasoning ?? 0,
  };
}

interface DecodedCall {
  index: number;
  args: string;
}

/**
 * A provider's Responses stream → canonical events. Output items are keyed by output_index.
 * Refusals stream as text: they are what the model said. Events about OpenAI's own tools and
 * annotations carry nothing the canonical stream has a place for, and pass unseen.
 */
export class ResponsesStreamDecoder implements StreamDecoder {
  private started = false;
  private readonly calls = new Map<number, DecodedCall>();
  /** Reasoning text streamed so far by output index: a done item fills in what no delta carried. */
  private readonly reasoning = new Map<number, string>();
  private readonly texts = new Map<string, string>();

  push(event: SseEvent): ChatStreamEvent[] {
    if (event.data === "[DONE]") return [];
    const data = parseJsonObject(event.data);
    if (data === undefined) {
      return [{ type: "error", error: { status: 502, message: "The provider sent a stream event that is not a JSON object", code: "provider_error" } }];
    }
    const type = typeof data.type === "string" ? data.type : event.event;
    const outputIndex = typeof data.output_index === "number" ? data.output_index : -1;
    const delta = typeof data.delta === "string" ? data.delta : "";
    const part = `${outputIndex}:${typeof data.content_index === "number" ? data.content_index : 0}`;
    switch (type) {
      case "response.created":
        return this.start(data);
      case "response.output_item.added":
        return isJsonObject(data.item) ? this.addItem(outputIndex, data.item) : [];
      case "response.output_item.done":
        return isJsonObject(data.item) ? this.doneItem(outputIndex, data.item) : [];
      case "response.output_text.delta":
      case "response.refusal.delta":
        return this.text(part, delta);
      case "response.output_text.done":
        return this.text(part, remainder(this.texts.get(part), data.text));
      case "response.reasoning_summary_part.added":
        // Summary parts of one item read as paragraphs of one reasoning text.
        return typeof data.summary_index === "number" && data.summary_index > 0 ? this.reason(outputIndex, "\n\n") : [];
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        return this.reason(outputIndex, delta);
      case "response.function_call_arguments.delta":
        return this.args(outputIndex, delta);
      case "response.function_call_arguments.done":
        return this.args(outputIndex, remainder(this.calls.get(outputIndex)?.args, data.arguments));
      case "response.completed":
      case "response.incomplete":
        return this.finish(data, type === "response.incomplete");
      case "response.failed":
        return [{ type: "error", error: failure(isJsonObject(data.response) && isJsonObject(data.response.error) ? data.response.error : {}) }];
      case "error":
        return [{ type: "error", error: failure(isJsonObject(data.error) ? data.error : data) }];
      default:
        return [];
    }
  }

  end(): ChatStreamEvent[] {
    return [];
  }

  private start(data: JsonObject): ChatStreamEvent[] {
    if (this.started || !isJsonObject(data.response)) return [];
    this.started = true;
    const response = data.response;
    return [
      {
        type: "start",
        id: typeof response.id === "string" ? response.id : "",
        model: typeof response.model === "string" ? response.model : "",
        created: typeof response.created_at === "number" ? response.created_at : 0,
      },
    ];
  }

  private addItem(outputIndex: number, item: JsonObject): ChatStreamEvent[] {
    if (item.type === "reasoning") {
      this.reasoning.set(outputIndex, "");
      return [];
    }
    if (item.type !== "function_call") return [];
    const call: DecodedCall = { index: this.calls.size, args: "" };
    this.calls.set(outputIndex, call);
    const itemId = typeof item.id === "string" ? item.id : undefined;
    const signature = itemId === undefined ? undefined : signatureInFunctionCallItemId(itemId);
    const events: ChatStreamEvent[] = [
      {
        type: "tool_call_start",
        index: call.index,
        id: typeof item.call_id === "string" ? item.call_id : "",
        name: typeof item.name === "string" ? item.name : "",
        ...(signature !== undefined ? { signature } : {}),
      },
    ];
    return [...events, ...this.args(outputIndex, typeof item.arguments === "string" ? item.arguments : "")];
  }

  private doneItem(outputIndex: number, item: JsonObject): ChatStreamEvent[] {
    if (item.type === "function_call") return this.args(outputIndex, remainder(this.calls.get(outputIndex)?.args, item.arguments));
    if (item.type !== "reasoning") return [];
    const id = typeof item.id === "string" ? item.id : undefined;
    const encrypted = typeof item.encrypted_content === "string" ? item.encrypted_content : undefined;
    if (id !== undefined && encrypted !== undefined && isRedactedReasoningItemId(id)) return [{ type: "reasoning_end", redacted: encrypted }];
    const events: ChatStreamEvent[] = [];
    if ((this.reasoning.get(outputIndex) ?? "") === "") {
      const text = reasoningText(item);
      // Without text or encrypted content, OpenAI's reasoning item holds nothing to carry (see decodeReasoningItem).
      if (text === "" && encrypted === undefined) return [];
      if (text !== "") events.push({ type: "reasoning", text });
    }
    events.push({ type: "reasoning_end", ...(encrypted !== undefined ? { signature: encrypted } : {}), ...(id !== undefined ? { id } : {}) });
    return events;
  }

  private text(key: string, text: string): ChatStreamEvent[] {
    if (text === "") return [];
    this.texts.set(key, (this.texts.get(key) ?? "") + text);
    return [{ type: "text", text }];
  }

  private reason(outputIndex: number, text: string): ChatStreamEvent[] {
    if (text === "") return [];
    this.reasoning.set(outputIndex, (this.reasoning.get(outputIndex) ?? "") + text);
    return [{ type: "reasoning", text }];
  }

  private args(outputIndex: number, text: string): ChatStreamEvent[] {
    const call = this.calls.get(outputIndex);
    if (call === undefined || text === "") return [];
    call.args += text;
    return [{ type: "tool_call_delta", index: call.index, arguments: text }];
  }

  private finish(data: JsonObject, incomplete: boolean): ChatStreamEvent[] {
    const response = isJsonObject(data.response) ? data.response : {};
    const events: ChatStreamEvent[] = [];
    const usage = usageFromResponsesBody(response);
    if (usage !== undefined) events.push({ type: "usage", usage });
    let reason: FinishReason = this.calls.size > 0 ? "tool_calls" : "stop";
    if (incomplete) {
      reason = isJsonObject(response.incomplete_details) && response.incomplete_details.reason === "content_filter" ? "content_filter" : "length";
    }
    events.push({ type: "finish", reason });
    return events;
  }
}

/** What a done event holds beyond what the deltas carried; nothing when it disagrees with them. */
function remainder(streamed: string | undefined, whole: unknown): string {
  if (typeof whole !== "string") return "";
  const sofar = streamed ?? "";
  return whole.length > sofar.length && whole.startsWith(sofar) ? whole.slice(sofar.length) : "";
}

function reasoningText(item: JsonObject): string {
  const texts = (key: string) =>
    (Array.isArray(item[key]) ? (item[key] as unknown[]) : []).flatMap((part) => (isJsonObject(part) && typeof part.text === "string" ? [part.text] : []));
  const content = texts("content");
  return (content.length > 0 ? content : texts("summary")).join("\n\n");
}

function failure(fields: JsonObject): { status: number; message: string; code?: string } {
  const code = typeof fields.code === "string" ? fields.code : undefined;
  const message = typeof fields.message === "string" && fields.message !== "" ? fields.message : "The provider's response failed";
  return { status: statusForCode(code), message, ...(code !== undefined ? { code } : {}) };
}
