import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  convertToModelMessages,
  createUIMessageStreamResponse,
  streamText,
  toUIMessageStream,
  validateUIMessages,
  type InferUIMessageChunk,
  type LanguageModelUsage,
  type TextStreamPart,
  type ToolSet,
} from "ai";
import { z } from "zod";
import type { MasterKeyring } from "@/lib/crypto/master-keys";
import { costMicros } from "@/lib/pricing/cost";
import type { ServiceContext } from "@/lib/services/context";
import { InvalidInputError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import { playgroundToken, requirePlaygroundUser } from "@/lib/services/playground/token";
import { requireRoleBySlug } from "@/lib/services/roles";
import { parseInput } from "@/lib/services/validation";
import { MAX_TOKENS_RANGE, TEMPERATURE_RANGE, type PlaygroundMessage, type PlaygroundMetadata } from "./types";

export interface PlaygroundDeps {
  /** The team's gateway, called in-process: `(Request) => Response`, as server.ts mounts it. */
  gateway: (req: Request) => Promise<Response>;
  /** Origin of the gateway URLs the requests are addressed to (the gateway reads only the path). */
  publicUrl: string;
  keyring?: MasterKeyring;
}

const slug = z.string().trim().min(1, "must not be empty").max(64);

const input = z.object({
  team: slug,
  gateway: slug,
  model: z
    .string()
    .trim()
    .regex(/^[^/\s]+\/\S+$/, 'use "{provider}/{model}", like "openai/gpt-4o-mini"'),
  system: z.string().max(100_000).optional(),
  temperature: z.number().min(TEMPERATURE_RANGE.min).max(TEMPERATURE_RANGE.max).optional(),
  maxTokens: z.number().int().min(MAX_TOKENS_RANGE.min).max(MAX_TOKENS_RANGE.max).optional(),
  messages: z.array(z.unknown()).min(1, "must hold at least one message"),
});

/**
 * One playground turn: sends the conversation through the team's gateway with the user's
 * playground token (in-process, so the token never leaves the server) and streams the answer back
 * as an AI SDK UI message stream whose metadata says who answered, the tokens, the cost, the
 * timing and the log row.
 */
export async function streamPlaygroundChat({
  ctx,
  body,
  deps,
  signal,
}: {
  ctx: ServiceContext;
  body: unknown;
  deps: PlaygroundDeps;
  signal?: AbortSignal;
}): Promise<Response> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const request = parseInput(input, body);
  let messages: PlaygroundMessage[];
  try {
    messages = await validateUIMessages<PlaygroundMessage>({ messages: request.messages });
  } catch (error) {
    throw new InvalidInputError({ field: "messages", message: error instanceof Error ? error.message : String(error) });
  }

  // Other teams do not exist for the user (404); viewers are told why they may not send (403).
  const team = await requireRoleBySlug(ctx, request.team, "viewer");
  await requirePlaygroundUser(ctx, team.id);
  await getGateway({ ctx, teamId: team.id, slug: request.gateway });
  const { token } = await playgroundToken({ ctx, teamId: team.id, keyring: deps.keyring });

  const slash = request.model.indexOf("/");
  const provider = request.model.slice(0, slash);
  const model = request.model.slice(slash + 1);
  const meta: PlaygroundMetadata = { gateway: request.gateway, provider, model };

  const gatewayFetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await deps.gateway(new Request(url, init));
    meta.logId = response.headers.get("cf-aig-log-id") ?? undefined;
    return response;
  };
  const compat = createOpenAICompatible({
    name: "switchyard",
    baseURL: `${deps.publicUrl}/v1/${encodeURIComponent(team.slug)}/${encodeURIComponent(request.gateway)}/compat`,
    apiKey: token,
    headers: { "user-agent": "switchyard-playground" },
    includeUsage: true,
    fetch: gatewayFetch,
  });

  const result = streamText({
    model: compat.chatModel(request.model),
    instructions: request.system?.trim() || undefined,
    messages: await convertToModelMessages(messages),
    temperature: request.temperature,
    maxOutputTokens: request.maxTokens,
    // The gateway has its own retry settings; retrying here would log and bill each attempt.
    maxRetries: 0,
    abortSignal: signal,
    // The error reaches the user in the stream and the request is in the gateway's log; the default
    // handler would also print the whole request (the conversation) to the server log.
    onError: () => {},
  });

  const timed = result.stream.pipeThrough(
    new TransformStream<TextStreamPart<ToolSet>, TextStreamPart<ToolSet>>({
      transform(part, controller) {
        if (part.type === "text-delta" && meta.ttftMs === undefined) meta.ttftMs = elapsed();
        if (part.type === "finish") Object.assign(meta, usageMetadata(provider, model, part.totalUsage), { totalMs: elapsed() });
        controller.enqueue(part);
      },
    }),
  );

  const ui = toUIMessageStream<ToolSet, PlaygroundMessage>({
    stream: timed,
    originalMessages: messages,
    messageMetadata: ({ part }) => (part.type === "start" || part.type === "finish" ? { ...meta } : undefined),
    onError: describeError,
  });
  return createUIMessageStreamResponse({
    stream: ui.pipeThrough(
      new TransformStream<InferUIMessageChunk<PlaygroundMessage>, InferUIMessageChunk<PlaygroundMessage>>({
        transform(chunk, controller) {
          // A failed call has no finish event; its log id and timing still belong on the answer.
          if (chunk.type === "error") {
            controller.enqueue({ type: "message-metadata", messageMetadata: { ...meta, totalMs: elapsed() } });
          }
          controller.enqueue(chunk);
        },
      }),
    ),
  });
}

function usageMetadata(provider: string, model: string, usage: LanguageModelUsage): PlaygroundMetadata {
  const tokens = {
    input: usage.inputTokens ?? 0,
    output: usage.outputTokens ?? 0,
    cached: usage.inputTokenDetails.cacheReadTokens ?? 0,
  };
  const cost = costMicros(provider, model, tokens);
  return { tokensIn: tokens.input, tokensOut: tokens.output, tokensCached: tokens.cached, costMicros: cost.micros, costKnown: cost.known };
}

/** The gateway's and provider's error messages say what to fix; show them rather than a generic one. */
export function describeError(error: unknown): string {
  if (APICallError.isInstance(error)) {
    const status = error.statusCode ? ` (${error.statusCode})` : "";
    return `The gateway answered with an error${status}: ${error.message}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
