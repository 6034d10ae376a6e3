import type { SseEvent } from "@/lib/formats/canonical";

/**
 * One event as SSE text. Data holding line ends becomes several `data:` lines, which a parser
 * joins back with \n; a \r\n or \r inside data comes back as \n, which JSON never holds unescaped.
 */
export function serializeSse(event: SseEvent): string {
  const name = event.event === undefined ? "" : `event: ${event.event}\n`;
  const data = /[\r\n]/.test(event.data) ? event.data.split(/\r\n|\r|\n/).join("\ndata: ") : event.data;
  return `${name}data: ${data}\n\n`;
}

export function serializeSseEvents(events: readonly SseEvent[]): string {
  let text = "";
  for (const event of events) text += serializeSse(event);
  return text;
}
