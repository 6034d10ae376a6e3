import type { LogEvent } from "./types";

/**
 * A log event as the gateway would enqueue it, for tests. `index` makes the id unique and varies
 * the other fields; indexes below 3,600 fall in the same hour unless `createdAt` is overridden.
 */
export function testLogEvent(index: number, overrides: Partial<LogEvent["log"]> = {}, withPayload = index % 2 === 0): LogEvent {
  const id = `log-${index}`;
  const teamId = overrides.teamId ?? `team-${index % 2}`;
  return {
    log: {
      id,
      teamId,
      gatewayId: index % 5 === 0 ? null : `gw-${index % 3}`,
      tokenId: "tok-1",
      eventId: `evt-${index}`,
      provider: index % 7 === 0 ? null : index % 2 === 0 ? "openai" : "groq",
      model: index % 7 === 0 ? null : `model-${index % 4}`,
      path: "/compat/chat/completions",
      method: "POST",
      statusCode: index % 10 === 0 ? 500 : 200,
      success: index % 10 !== 0,
      tokensIn: 100 + index,
      tokensOut: 10 + (index % 13),
      tokensCached: index % 3 === 0 ? 50 : 0,
      costMicros: 1_000 + index,
      durationMs: 20 + (index % 50),
      cached: index % 11 === 0,
      createdAt: new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + index * 1_000),
      ...overrides,
    },
    payload: withPayload
      ? {
          logId: id,
          teamId,
          requestBody: `{"messages":[{"role":"user","content":"secret prompt ${index}"}]}`,
          responseBody: `{"choices":[{"message":{"content":"answer ${index}"}}]}`,
          requestHeaders: { "content-type": "application/json", authorization: "[redacted]" },
          responseHeaders: { "content-type": "application/json" },
        }
      : undefined,
  };
}
