import { jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Kept apart from request_logs so list queries never read bodies. */
export const requestLogPayloads = pgTable(
  "request_log_payloads",
  {
    logId: text("log_id").notNull(),
    teamId: text("team_id").notNull(),
    requestBody: text("request_body"),
    responseBody: text("response_body"),
    /**
     * Set when the request body was not text (audio, an image, a multipart upload): its content
     * type, the body itself being stored as metadata only (this and the row's `requestBytes`), never
     * as mangled text. Null when `requestBody` holds the body.
     */
    requestBinaryType: text("request_binary_type"),
    /** The same for the response body (`responseBytes` on the row). */
    responseBinaryType: text("response_binary_type"),
    /** For a translated request, the body as it went to the provider (the client's is `requestBody`); null when it went as sent. */
    providerRequestBody: text("provider_request_body"),
    /** Headers with credentials redacted. */
    requestHeaders: jsonb("request_headers").$type<Record<string, string>>(),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    /**
     * The log row's `created_at`: on a Postgres server payloads are partitioned by day like the rows
     * (lib/logs/partitions.ts), so a retention drop removes a day's rows and bodies together.
     */
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.logId, t.createdAt] })],
);

export type RequestLogPayload = typeof requestLogPayloads.$inferSelect;
export type NewRequestLogPayload = typeof requestLogPayloads.$inferInsert;
