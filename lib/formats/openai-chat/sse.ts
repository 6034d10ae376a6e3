import { SseParser } from "@/lib/formats/sse";

/** The data of every complete event in SSE text, `[DONE]` included, as the tap reads it. */
export function sseEventData(text: string): string[] {
  return new SseParser(Number.POSITIVE_INFINITY).pushText(text).map((event) => event.data);
}
