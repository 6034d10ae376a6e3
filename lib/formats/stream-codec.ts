import type { WireError } from "./canonical";
import type { TokenUsage } from "./usage";

/** What a stream carried, for the log row and cost. */
export interface StreamSummary {
  usage?: TokenUsage;
  model?: string;
  /** Data events seen (OpenAI's `[DONE]` included). */
  events: number;
  /** The stream body as received from upstream, for the log payload, cut at about 1 MiB. */
  text: string;
  /** The upstream said it finished (OpenAI: `[DONE]` or a finish_reason) rather than being cut off. */
  completed: boolean;
  /**
   * Generated text (content, reasoning, tool names and arguments) as a codec's stream decoder read
   * it: characters, and events that carried some. Set by the taps that decode, for estimating a cut
   * stream's tokens without knowing its format.
   */
  generated?: { chars: number; events: number };
  /** The provider reported an error inside the stream (Anthropic's `event: error`). */
  error?: WireError;
}

/** Why a stream failed mid-way, for its client. */
export interface StreamError {
  message: string;
  /** A stable, machine-readable code (`provider_error`). */
  code: string;
}
