import type { NewRequestLog, NewRequestLogPayload } from "@/db/schema";

/** One request's log row and, unless payload collection is off, its bodies (stored with the row's `createdAt`). */
export interface LogEvent {
  log: NewRequestLog;
  payload?: Omit<NewRequestLogPayload, "createdAt">;
}

/** Where the gateway hands finished requests; never awaited on the request path. */
export interface LogSink {
  enqueue(event: LogEvent): void;
}
