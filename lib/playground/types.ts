// Shared by the playground's route (server) and page (client): keep it free of server imports.
import type { UIMessage } from "ai";

/** What each assistant message carries besides its text (AI SDK message metadata). */
export interface PlaygroundMetadata {
  gateway?: string;
  provider?: string;
  /** The model as asked for, without the provider prefix. */
  model?: string;
  tokensIn?: number;
  tokensOut?: number;
  tokensCached?: number;
  /** Integer micro-dollars, computed the way the gateway's log row computes it. */
  costMicros?: number;
  /** False when the pricing catalog does not know the model (the cost then reads 0). */
  costKnown?: boolean;
  /** From sending the request to the first streamed text. */
  ttftMs?: number;
  totalMs?: number;
  /** The gateway's `cf-aig-log-id`: the log row of this answer. */
  logId?: string;
}

export type PlaygroundMessage = UIMessage<PlaygroundMetadata>;

/** What the page sends with every message besides the conversation. */
export interface PlaygroundSettings {
  gateway: string;
  /** `{provider}/{model}` */
  model: string;
  system: string;
  temperature: number;
  maxTokens: number;
}

export interface PlaygroundRequestBody extends PlaygroundSettings {
  team: string;
  messages: PlaygroundMessage[];
}

export const TEMPERATURE_RANGE = { min: 0, max: 2, step: 0.1 } as const;
export const MAX_TOKENS_RANGE = { min: 1, max: 128_000 } as const;
export const DEFAULT_TEMPERATURE = 0.7;
export const DEFAULT_MAX_TOKENS = 1024;
