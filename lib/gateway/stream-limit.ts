import { tooManyStreams } from "./errors";

/** Gives back a stream's slot; safe to call any number of times, only the first counts. */
export type ReleaseSlot = () => void;

/** The slot of a request that holds none: not a stream, or not limited. */
export const noSlot: ReleaseSlot = () => {};

/**
 * Counts the streams each gateway token has open in this process and refuses one beyond the limit,
 * so that one token cannot hold every connection and pool slot of an instance. Per instance: a
 * deployment of N processes lets a token open up to N times the limit.
 */
export class StreamLimiter {
  private readonly open = new Map<string, number>();

  /** `maxPerToken`: 0 for no limit. */
  constructor(private readonly maxPerToken: number) {}

  /**
   * Takes a slot for a stream of `tokenId`, or throws a 429 GatewayError when its streams are at
   * the limit. Requests without a gateway token (the client's own provider key) are not counted.
   */
  admit(tokenId: string | null): ReleaseSlot {
    if (this.maxPerToken === 0 || tokenId === null) return noSlot;
    const count = this.open.get(tokenId) ?? 0;
    if (count >= this.maxPerToken) throw tooManyStreams(this.maxPerToken);
    this.open.set(tokenId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(tokenId) ?? 1) - 1;
      if (left > 0) this.open.set(tokenId, left);
      else this.open.delete(tokenId);
    };
  }

  /** Streams open for `tokenId`. */
  openStreams(tokenId: string): number {
    return this.open.get(tokenId) ?? 0;
  }
}
