import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext } from "@opentelemetry/api";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { RandomIdGenerator, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVICE_NAME, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import type { NewRequestLog } from "@/db/schema";

/** One request, as the gateway exports it: its log row (stored or not) and the trace it joins. */
export interface RequestSpan {
  log: NewRequestLog;
  /** `cf-aig-otel-trace-id`: 32 hex digits. */
  traceId?: string;
  /** `cf-aig-otel-parent-span-id`: 16 hex digits. */
  parentSpanId?: string;
}

const ids = new RandomIdGenerator();
const resource: Resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: "switchyard" });
const scope = { name: "switchyard-gateway" };
const NANOS_PER_MS = 1_000_000;

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * NANOS_PER_MS)];
}

/**
 * The span's attributes: the `gen_ai.*` ones Cloudflare documents (with the current semantic
 * conventions' names beside them), then the gateway's own. Custom metadata comes first so that it
 * cannot overwrite them, and its `gen_ai.*` keys are left out, as Cloudflare does. Nothing secret:
 * no header and no body.
 */
function attributesOf(log: NewRequestLog): Attributes {
  const attributes: Attributes = {};
  if (log.metadata) {
    for (const key in log.metadata) if (!key.startsWith("gen_ai.")) attributes[key] = log.metadata[key];
  }
  if (log.model) attributes["gen_ai.request.model"] = log.model;
  if (log.provider) {
    attributes["gen_ai.model.provider"] = log.provider;
    attributes["gen_ai.provider.name"] = log.provider;
    attributes["gen_ai.system"] = log.provider;
  }
  attributes["gen_ai.usage.input_tokens"] = log.tokensIn ?? 0;
  attributes["gen_ai.usage.output_tokens"] = log.tokensOut ?? 0;
  attributes["gen_ai.usage.cache_read.input_tokens"] = log.tokensCached ?? 0;
  // Dollars, as Cloudflare's logs report cost; the exact micro-dollars beside them.
  attributes["gen_ai.usage.cost"] = (log.costMicros ?? 0) / 1_000_000;
  attributes["cf_aig.cost_micros"] = log.costMicros ?? 0;
  attributes["cf_aig.custom_cost"] = log.customCost ?? false;
  attributes["cf_aig.cache_status"] = log.cached ? "HIT" : "MISS";
  attributes["cf_aig.log_id"] = log.id;
  attributes["cf_aig.event_id"] = log.eventId;
  if (log.requestId) attributes["cf_aig.request_id"] = log.requestId;
  if (log.gatewayId) attributes["cf_aig.gateway_id"] = log.gatewayId;
  attributes["cf_aig.success"] = log.success;
  attributes["cf_aig.stream"] = log.stream ?? false;
  attributes["cf_aig.step"] = log.step ?? 0;
  attributes["cf_aig.attempt"] = log.attempt ?? 1;
  if (log.ingressFormat) attributes["cf_aig.ingress_format"] = log.ingressFormat;
  if (log.errorCode !== null && log.errorCode !== undefined) attributes["cf_aig.error_code"] = log.errorCode;
  if (log.ttfbMs !== null && log.ttfbMs !== undefined) attributes["cf_aig.ttfb_ms"] = log.ttfbMs;
  attributes[ATTR_HTTP_REQUEST_METHOD] = log.method;
  attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = log.statusCode;
  attributes[ATTR_URL_PATH] = log.path;
  return attributes;
}

/** The request as a finished span, built directly: the gateway has no tracer, and the span is born ended. */
export function readableSpan({ log, traceId, parentSpanId }: RequestSpan): ReadableSpan {
  const context: SpanContext = { traceId: traceId ?? ids.generateTraceId(), spanId: ids.generateSpanId(), traceFlags: TraceFlags.SAMPLED };
  const parentSpanContext: SpanContext | undefined =
    traceId && parentSpanId ? { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true } : undefined;
  const startMs = (log.createdAt ?? new Date()).getTime();
  const durationMs = log.durationMs ?? 0;
  return {
    name: log.model ? `${log.method} ${log.provider ?? "gateway"}/${log.model}` : `${log.method} ${log.path}`,
    kind: SpanKind.SERVER,
    spanContext: () => context,
    parentSpanContext,
    startTime: hrTime(startMs),
    endTime: hrTime(startMs + durationMs),
    duration: hrTime(durationMs),
    status: log.success ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: log.errorMessage ?? `HTTP ${log.statusCode}` },
    attributes: attributesOf(log),
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
