export { completeEventsEnd, EventTooLargeError, MAX_EVENT_CHARS, parseSse, SseParser, type EventReader } from "./parse";
export { JsonArrayReader } from "./json-array";
export { serializeSse, serializeSseEvents } from "./serialize";
