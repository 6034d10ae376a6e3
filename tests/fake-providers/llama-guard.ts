/**
 * A fake Llama Guard over real HTTP: an OpenAI-compatible chat endpoint (any path ending in
 * `chat/completions`, non-streaming, as a guardrail evaluator calls it) whose model answers as
 * Llama Guard 3 does, `safe` or `unsafe\nS1,S9`, judging the conversation's last message.
 *
 * The verdict is decided by the text: each phrase of `FAKE_HARMS` it contains (any case) adds its
 * code, so `fakeLlamaGuardVerdict` predicts every answer. The fake OpenAI's moderation endpoint
 * reads the same table (its `openAi` categories).
 *
 * Behaviour per request, by the model's last `/`-separated segment (as the other fakes):
 * `fake-error-<status>` answers that status with OpenAI's error body, `fake-slow-<ms>` waits that
 * long first, `fake-malformed` answers a verdict that is not Llama Guard's format. For every
 * request at once, set `failWith` (a status), `delayMs` or `answer` (the content to send instead
 * of the verdict). Without an `Authorization: Bearer …` header it answers 401, as Groq and Workers
 * AI do.
 */
import type { ServerResponse } from "node:http";
import { modelMode, sendJson, startFakeServer, type FakeServer, type RecordedRequest } from "./http";

/** Phrases the fakes treat as harmful, with what Llama Guard and OpenAI's moderation would call them. */
export const FAKE_HARMS = [
  { phrase: /how to build a bomb/i, llamaGuard: "S9", openAi: ["illicit", "illicit/violent"] },
  { phrase: /\bkill(s|ed|ing)?\b/i, llamaGuard: "S1", openAi: ["violence"] },
  { phrase: /\bsteal(s|ing)?\b/i, llamaGuard: "S2", openAi: ["illicit"] },
  { phrase: /hurt myself/i, llamaGuard: "S11", openAi: ["self-harm", "self-harm/intent"] },
] as const;

/** What the fake answers for `text`: `safe`, or `unsafe` and the codes in ascending order. */
export function fakeLlamaGuardVerdict(text: string): string {
  const codes = FAKE_HARMS.filter((harm) => harm.phrase.test(text))
    .map((harm) => harm.llamaGuard)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return codes.length ? `unsafe\n${codes.join(",")}` : "safe";
}

export interface FakeLlamaGuardRequest extends RecordedRequest {
  /** The message judged: the conversation's last; undefined when the body had no messages. */
  judged: { role: string; text: string } | undefined;
  /** The content answered; undefined when it answered an error or nothing. */
  verdict?: string;
}

export interface FakeLlamaGuard extends FakeServer<FakeLlamaGuardRequest> {
  /** `{origin}/v1`: a stored key's base URL, as for any OpenAI-compatible provider. */
  baseUrl: string;
  /** While set, every request gets this status with OpenAI's error body. */
  failWith: number | undefined;
  /** Milliseconds every answer waits. */
  delayMs: number;
  /** While set, the content of every answer instead of the verdict. */
  answer: string | undefined;
}

const MODES = /^fake-(error-\d{3}|slow-\d+|malformed)$/;

export async function startFakeLlamaGuard(): Promise<FakeLlamaGuard> {
  const server = await startFakeServer<FakeLlamaGuardRequest>(
    (base) => {
      const model = typeof base.body?.model === "string" ? base.body.model : "";
      return { ...base, mode: modelMode(model, MODES), judged: lastMessage(base.body?.messages) };
    },
    async (req, res) => {
      if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) return sendError(res, 401, "Invalid API Key");
      const errorStatus = fake.failWith ?? Number(/^fake-error-(\d{3})$/.exec(req.mode)?.[1] ?? 0);
      if (errorStatus) return sendError(res, errorStatus, `fake Llama Guard failure (${errorStatus})`);
      const slowMs = Number(/^fake-slow-(\d+)$/.exec(req.mode)?.[1] ?? 0);
      if (fake.delayMs + slowMs > 0) await server.sleep(fake.delayMs + slowMs);
      if (req.method !== "POST" || !req.path.replace(/\/+$/, "").endsWith("chat/completions")) return sendError(res, 404, `Invalid URL (${req.method} ${req.path})`);
      if (!req.body || typeof req.body.model !== "string") return sendError(res, 400, "you must provide a model parameter");
      if (req.body.stream === true) return sendError(res, 400, "this fake answers evaluations whole: stream is not supported");
      if (!req.judged) return sendError(res, 400, "messages must be a non-empty array of messages");
      req.verdict = fake.answer ?? (req.mode === "fake-malformed" ? "I think this is probably fine." : fakeLlamaGuardVerdict(req.judged.text));
      sendJson(res, 200, {
        id: `chatcmpl-guard-${server.requests.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: req.body.model,
        choices: [{ index: 0, message: { role: "assistant", content: req.verdict }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 200, completion_tokens: 4, total_tokens: 204 },
      });
    },
  );
  const fake: FakeLlamaGuard = Object.assign(server, { baseUrl: `${server.origin}/v1`, failWith: undefined, delayMs: 0, answer: undefined });
  return fake;
}

function lastMessage(messages: unknown): FakeLlamaGuardRequest["judged"] {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last: unknown = messages.at(-1);
  if (typeof last !== "object" || last === null) return undefined;
  const { role, content } = last as { role?: unknown; content?: unknown };
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content.map((part: unknown) => (typeof part === "object" && part !== null && "text" in part && typeof part.text === "string" ? part.text : "")).join("")
        : "";
  return { role: typeof role === "string" ? role : "", text };
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status === 401 ? "invalid_request_error" : "server_error", code: null } });
}
