/**
 * Long text cut into windows for an evaluator, as Cloudflare chunks long content (reference §8.1).
 *
 * Each window is the new text since the previous window plus the last `overlapChars` characters
 * of the text before it, so a phrase cut at a boundary is still seen whole once. The other way —
 * evaluating the whole response so far at every window — would let the evaluator judge with all
 * the context, but costs O(n²) tokens over a long stream; with windows the evaluator reads each
 * character about (1 + overlap / window) times. What this gives up: harm that only shows when
 * text far apart is read together (more than a window plus the overlap), which chunking misses on
 * Cloudflare as well.
 */

/** A window of response text to evaluate, and where it ends in the whole text (UTF-16 code units). */
export interface TextWindow {
  text: string;
  /** Characters of text up to the window's end: `GuardrailOutcome.throughChar`. */
  throughChar: number;
}

/** A stream's window: about 500 tokens, so a tripped rule cuts the stream off soon after the text that tripped it. */
export const RESPONSE_WINDOW_CHARS = 2_000;
/** A whole text's window (a prompt, a response that was not streamed): about 2,000 tokens, well inside Llama Guard 3's context with its instructions. */
export const TEXT_WINDOW_CHARS = 8_000;
/** Long enough to hold a sentence cut at a window's boundary. */
export const WINDOW_OVERLAP_CHARS = 200;

/**
 * A streamed response's text, cut into windows as it arrives: `push` each piece of text (deltas,
 * in order) and evaluate the windows it returns; at the end of the stream `end()` returns the last,
 * partial window (undefined when no text came after the last full one). Pure and synchronous:
 * evaluating and cutting the stream off are the caller's.
 */
export class ResponseWindows {
  /** Text not yet in a window, preceded by the overlap carried from the last window. */
  private pending = "";
  /** How much of `pending` is overlap (already evaluated once). */
  private overlap = 0;
  private consumed = 0;

  constructor(
    readonly windowChars = RESPONSE_WINDOW_CHARS,
    readonly overlapChars = WINDOW_OVERLAP_CHARS,
  ) {
    if (!Number.isInteger(windowChars) || windowChars < 1) throw new RangeError(`windowChars must be a positive whole number, got ${windowChars}`);
    if (!Number.isInteger(overlapChars) || overlapChars < 0 || overlapChars >= windowChars) {
      throw new RangeError(`overlapChars must be a whole number from 0 to below windowChars (${windowChars}), got ${overlapChars}`);
    }
  }

  /** Characters pushed so far. */
  get length(): number {
    return this.consumed + this.pending.length - this.overlap;
  }

  /** Adds text; returns the windows it filled (often none, several for a large piece). */
  push(text: string): TextWindow[] {
    this.pending += text;
    const windows: TextWindow[] = [];
    while (this.pending.length - this.overlap >= this.windowChars) {
      windows.push(this.cut(this.overlap + this.windowChars));
    }
    return windows;
  }

  /** The last window: the text after the last full window (with its overlap); undefined when there is none. */
  end(): TextWindow | undefined {
    if (this.pending.length === this.overlap) return undefined;
    return this.cut(this.pending.length);
  }

  private cut(at: number): TextWindow {
    // On past a pair at the end, never back: a window is never empty.
    const end = keepSurrogatePair(this.pending, at, 1);
    const text = this.pending.slice(0, end);
    this.consumed += end - this.overlap;
    const carried = keepSurrogatePair(text, Math.max(0, text.length - this.overlapChars), -1);
    this.pending = text.slice(carried) + this.pending.slice(end);
    this.overlap = text.length - carried;
    return { text, throughChar: this.consumed };
  }
}

/** A whole text's windows, as `ResponseWindows` would cut it if it arrived at once. */
export function textWindows(text: string, windowChars = TEXT_WINDOW_CHARS, overlapChars = WINDOW_OVERLAP_CHARS): TextWindow[] {
  const windows = new ResponseWindows(windowChars, overlapChars);
  const full = windows.push(text);
  const last = windows.end();
  return last ? [...full, last] : full;
}

/** `at`, moved one way (`step` ±1) when it would cut an emoji or other astral character in half. */
function keepSurrogatePair(text: string, at: number, step: 1 | -1): number {
  if (at <= 0 || at >= text.length) return at;
  const before = text.charCodeAt(at - 1);
  return before >= 0xd800 && before <= 0xdbff ? at + step : at;
}
