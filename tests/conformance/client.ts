/**
 * The three ingresses of the conformance matrix, each driven by its official SDK, and what came back
 * normalised into one Outcome so that a feature asserts once for every ingress.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";

export type Ingress = "chat" | "responses" | "messages";
export type Mode = "non-stream" | "stream";

export interface ToolCallOut {
  id: string;
  name: string;
  /** The arguments as the client received them (a JSON string; Anthropic's input re-serialised). */
  arguments: string;
  /** Streams: how many pieces the arguments arrived in, all under this call's index and id. */
  pieces: number;
}

export interface UsageOut {
  /** Every input token, cached ones included (Anthropic's three counts summed). */
  input: number;
  output: number;
  cached: number;
}

export interface ClientError {
  status: number | undefined;
  message: string;
  /** The error body as the SDK parsed it (OpenAI's `error` object, Anthropic's whole envelope). */
  body: unknown;
  /** OpenAI's `param`, when the shape has one. */
  param?: string | null;
}

export interface Outcome {
  /** The gateway's cf-aig-log-id header, on answers and errors alike. */
  logId?: string | null;
  /** The assistant's turn as the client sends it back in the next request (its reasoning and calls included). */
  echo: unknown[];
  text: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  usage?: UsageOut;
  finish?: string | null;
  error?: ClientError;
}

export interface Clients {
  openai: OpenAI;
  anthropic: Anthropic;
}

/** Sends `body` (already in the ingress's shape) with the ingress's SDK and normalises the answer. */
export async function send(clients: Clients, ingress: Ingress, mode: Mode, body: Record<string, unknown>): Promise<Outcome> {
  const outcome: Outcome = { echo: [], text: "", reasoning: "", toolCalls: [] };
  try {
    if (ingress === "chat") await sendChat(clients.openai, mode, body, outcome);
    else if (ingress === "responses") await sendResponses(clients.openai, mode, body, outcome);
    else await sendMessages(clients.anthropic, mode, body, outcome);
  } catch (err) {
    if (err instanceof OpenAI.APIError || err instanceof Anthropic.APIError) {
      const param = err instanceof OpenAI.APIError ? err.param : undefined;
      outcome.error = { status: err.status, message: err.message, body: err.error, param };
      outcome.logId ??= err.headers?.get("cf-aig-log-id");
    } else throw err;
  }
  return outcome;
}

async function sendChat(client: OpenAI, mode: Mode, body: Record<string, unknown>, out: Outcome) {
  const params = body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  if (mode === "non-stream") {
    const { data: completion, response } = await client.chat.completions.create(params).withResponse();
    out.logId = response.headers.get("cf-aig-log-id");
    const choice = completion.choices[0];
    out.text = choice?.message.content ?? "";
    out.reasoning = (choice?.message as { reasoning_content?: string } | undefined)?.reasoning_content ?? "";
    out.finish = choice?.finish_reason;
    out.toolCalls = (choice?.message.tool_calls ?? []).map((c) =>
      c.type === "function" ? { id: c.id, name: c.function.name, arguments: c.function.arguments, pieces: 1 } : { id: c.id, name: c.type, arguments: "", pieces: 1 },
    );
    out.usage = chatUsage(completion.usage);
    const { refusal: _refusal, annotations: _annotations, audio: _audio, function_call: _functionCall, ...message } = choice?.message ?? { role: "assistant" };
    out.echo = [message];
    return;
  }
  const { data: stream, response } = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }).withResponse();
  out.logId = response.headers.get("cf-aig-log-id");
  const calls = new Map<number, ToolCallOut>();
  /** Google's call signatures ride on a tool call's first piece as `extra_content`, which goes back with the call. */
  const extras = new Map<number, unknown>();
  /** reasoning_details entries merged by index as OpenRouter-style clients do: texts joined, the signature kept. */
  const details = new Map<number, Record<string, unknown>>();
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (chunk.usage) out.usage = chatUsage(chunk.usage);
    if (!choice) continue;
    out.text += choice.delta.content ?? "";
    const delta = choice.delta as { reasoning_content?: string; reasoning_details?: (Record<string, unknown> & { index: number })[] };
    out.reasoning += delta.reasoning_content ?? "";
    for (const detail of delta.reasoning_details ?? []) {
      const seen = details.get(detail.index);
      details.set(detail.index, seen ? { ...seen, ...detail, text: `${(seen.text as string | undefined) ?? ""}${(detail.text as string | undefined) ?? ""}` } : detail);
    }
    out.finish = choice.finish_reason ?? out.finish;
    for (const part of choice.delta.tool_calls ?? []) {
      const call = calls.get(part.index) ?? { id: "", name: "", arguments: "", pieces: 0 };
      if (part.id) {
        if (call.id && call.id !== part.id) throw new Error(`tool call ${part.index} changed id from ${call.id} to ${part.id} mid-stream`);
        call.id = part.id;
      }
      const extra = (part as { extra_content?: unknown }).extra_content;
      if (extra !== undefined) extras.set(part.index, extra);
      call.name += part.function?.name ?? "";
      if (part.function?.arguments) {
        call.arguments += part.function.arguments;
        call.pieces++;
      }
      calls.set(part.index, call);
    }
  }
  const indexed = [...calls.entries()].sort(([a], [b]) => a - b);
  out.toolCalls = indexed.map(([, c]) => c);
  const message: Record<string, unknown> = { role: "assistant", content: out.text || null };
  if (indexed.length > 0) {
    message.tool_calls = indexed.map(([index, c]) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
      ...(extras.has(index) ? { extra_content: extras.get(index) } : {}),
    }));
  }
  if (out.reasoning) message.reasoning_content = out.reasoning;
  if (details.size > 0) message.reasoning_details = [...details.values()];
  out.echo = [message];
}

function chatUsage(usage: OpenAI.CompletionUsage | null | undefined): UsageOut | undefined {
  if (!usage) return undefined;
  return { input: usage.prompt_tokens, output: usage.completion_tokens, cached: usage.prompt_tokens_details?.cached_tokens ?? 0 };
}

async function sendResponses(client: OpenAI, mode: Mode, body: Record<string, unknown>, out: Outcome) {
  const params = body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
  if (mode === "non-stream") {
    const { data, response } = await client.responses.create(params).withResponse();
    out.logId = response.headers.get("cf-aig-log-id");
    readResponse(data, out);
    return;
  }
  const { data: stream, response } = await client.responses.create({ ...params, stream: true }).withResponse();
  out.logId = response.headers.get("cf-aig-log-id");
  let text = "";
  let reasoning = "";
  const pieces = new Map<string, number>();
  let completed: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.reasoning_summary_text.delta" || event.type === "response.reasoning_text.delta") reasoning += event.delta;
    if (event.type === "response.function_call_arguments.delta") pieces.set(event.item_id, (pieces.get(event.item_id) ?? 0) + 1);
    if (event.type === "response.completed" || event.type === "response.incomplete") completed = event.response;
    if (event.type === "response.failed") throw new Error(`response.failed: ${JSON.stringify(event.response.error)}`);
  }
  if (!completed) throw new Error("the Responses stream ended without response.completed");
  readResponse(completed, out);
  if (text !== out.text) throw new Error(`streamed text ${JSON.stringify(text)} differs from response.completed's ${JSON.stringify(out.text)}`);
  out.reasoning = reasoning || out.reasoning;
  const items = completed.output.filter((item) => item.type === "function_call");
  out.toolCalls = out.toolCalls.map((call, i) => ({ ...call, pieces: pieces.get(items[i]?.id ?? "") ?? 0 }));
}

function readResponse(response: OpenAI.Responses.Response, out: Outcome) {
  out.finish = response.status;
  out.echo = response.output;
  for (const item of response.output) {
    // Not the SDK's output_text: it adds that to whole answers only, not to response.completed's.
    if (item.type === "message") out.text += item.content.map((part) => (part.type === "output_text" ? part.text : "")).join("");
    if (item.type === "function_call") out.toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments, pieces: 1 });
    if (item.type === "reasoning") out.reasoning += [...(item.summary ?? []), ...(item.content ?? [])].map((p) => p.text).join("");
  }
  const u = response.usage;
  if (u) out.usage = { input: u.input_tokens, output: u.output_tokens, cached: u.input_tokens_details?.cached_tokens ?? 0 };
}

async function sendMessages(client: Anthropic, mode: Mode, body: Record<string, unknown>, out: Outcome) {
  const params = body as unknown as Anthropic.MessageCreateParamsNonStreaming;
  let message: Anthropic.Message;
  const pieces = new Map<number, number>();
  if (mode === "non-stream") {
    const { data, response } = await client.messages.create(params).withResponse();
    out.logId = response.headers.get("cf-aig-log-id");
    message = data;
  } else {
    const stream = client.messages.stream(params);
    void stream.withResponse().then(
      ({ response }) => (out.logId = response.headers.get("cf-aig-log-id")),
      () => undefined, // the error reaches finalMessage() below
    );
    stream.on("streamEvent", (event) => {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta" && event.delta.partial_json) {
        pieces.set(event.index, (pieces.get(event.index) ?? 0) + 1);
      }
    });
    message = await stream.finalMessage();
  }
  out.finish = message.stop_reason;
  out.echo = [{ role: "assistant", content: message.content }];
  message.content.forEach((block, index) => {
    if (block.type === "text") out.text += block.text;
    if (block.type === "thinking") out.reasoning += block.thinking;
    if (block.type === "tool_use") {
      out.toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input), pieces: mode === "stream" ? (pieces.get(index) ?? 0) : 1 });
    }
  });
  const u = message.usage;
  const cacheRead = u.cache_read_input_tokens ?? 0;
  out.usage = { input: u.input_tokens + cacheRead + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens, cached: cacheRead };
}
