import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { errorLine } from "@/lib/error-line";
import { assertPublicLiteral, vettedLookup } from "@/lib/gateway/private-address";
import type { OtelCollector } from "@/lib/gateways/settings/otel";
import { readableSpan, type RequestSpan } from "./span";

/** Spans one collector may hold in memory, queued or being sent; more are dropped and counted. */
const QUEUE_MAX = 2048;
const BATCH_MAX = 512;
const BATCH_DELAY_MS = 1000;
const EXPORT_TIMEOUT_MS = 10_000;
/** Collector configurations kept open: each is an exporter with its own connections. */
const COLLECTORS_MAX = 256;

/** What /metrics reports of the export. */
export interface OtelStats {
  /** Spans handed to a collector's queue. */
  queued: number;
  /** Spans the collector accepted. */
  exported: number;
  /** Spans sent that the collector refused or never answered for. */
  failed: number;
  /** Spans dropped: the collector's queue was full, or its URL is not allowed. */
  dropped: number;
}

interface Collector {
  processor?: BatchSpanProcessor;
  /** Why nothing is sent to it (a private address the operator did not allow). */
  refused?: string;
  /** Spans in its queue or in flight. */
  pending: number;
}

export interface OtelExportOptions {
  /** The operator's SWITCHYARD_ALLOW_PRIVATE_UPSTREAMS: collectors on private networks too. */
  allowPrivateCollectors: boolean;
  /** Counted here: GatewayMetrics' counters, which /metrics reports. */
  counts: OtelStats;
}

/**
 * Sends a span per request to the gateways' OTLP collectors, off the request path: `export`
 * builds the span and hands it to the collector's BatchSpanProcessor, which sends batches in the
 * background. One processor and exporter per distinct collector configuration, shared by every
 * gateway that names it.
 */
export class OtelExport {
  private readonly collectors = new Map<string, Collector>();
  /** A gateway row's `otel` list, as the directory holds it, to its collectors: no key is built per request. */
  private readonly resolved = new WeakMap<readonly OtelCollector[], Collector[]>();
  private readonly counts: OtelStats;

  constructor(private readonly options: OtelExportOptions) {
    this.counts = options.counts;
  }

  /** Never throws, never waits. */
  export(settings: readonly OtelCollector[], request: RequestSpan): void {
    let span: ReadableSpan | undefined;
    for (const collector of this.collectorsOf(settings)) {
      if (!collector.processor || collector.pending >= QUEUE_MAX) {
        this.counts.dropped++;
        continue;
      }
      span ??= readableSpan(request);
      collector.pending++;
      this.counts.queued++;
      collector.processor.onEnd(span);
    }
  }

  /** Sends what is queued, then closes every exporter. */
  async close(): Promise<void> {
    const processors = [...this.collectors.values()].flatMap((collector) => (collector.processor ? [collector.processor] : []));
    this.collectors.clear();
    await Promise.allSettled(processors.map((processor) => processor.shutdown()));
  }

  /** Sends what is queued now (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.collectors.values()].map((collector) => collector.processor?.forceFlush()));
  }

  private collectorsOf(settings: readonly OtelCollector[]): Collector[] {
    let found = this.resolved.get(settings);
    if (!found) {
      found = settings.map((setting) => this.collector(setting));
      this.resolved.set(settings, found);
    }
    return found;
  }

  private collector(setting: OtelCollector): Collector {
    const key = JSON.stringify([setting.url, setting.content_type, setting.authorization ?? null, setting.headers ?? null]);
    const open = this.collectors.get(key);
    if (open) return open;
    if (this.collectors.size >= COLLECTORS_MAX) this.closeOldest();
    const collector: Collector = { pending: 0 };
    try {
      collector.processor = new BatchSpanProcessor(this.exporter(setting, collector), {
        maxQueueSize: QUEUE_MAX,
        maxExportBatchSize: BATCH_MAX,
        scheduledDelayMillis: BATCH_DELAY_MS,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      });
    } catch (error) {
      collector.refused = errorLine(error);
      console.error(`switchyard: not exporting spans to ${new URL(setting.url).origin}: ${collector.refused}`);
    }
    this.collectors.set(key, collector);
    return collector;
  }

  private closeOldest(): void {
    const [key, oldest] = this.collectors.entries().next().value!;
    this.collectors.delete(key);
    void oldest.processor?.shutdown();
  }

  private exporter(setting: OtelCollector, collector: Collector): SpanExporter {
    const url = new URL(setting.url);
    if (!this.options.allowPrivateCollectors) assertPublicLiteral(url.hostname);
    const headers = { ...setting.headers, ...(setting.authorization ? { authorization: setting.authorization } : {}) };
    const config = {
      url: setting.url,
      headers,
      timeoutMillis: EXPORT_TIMEOUT_MS,
      // The same policy as custom providers: a tenant's collector URL must not reach the operator's private network.
      httpAgentOptions: this.options.allowPrivateCollectors ? { keepAlive: true } : { keepAlive: true, lookup: vettedLookup() },
    };
    const inner = setting.content_type === "protobuf" ? new ProtobufTraceExporter(config) : new JsonTraceExporter(config);
    const counts = this.counts;
    return {
      export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
        inner.export(spans, (result) => {
          collector.pending -= spans.length;
          if (result.code === ExportResultCode.SUCCESS) counts.exported += spans.length;
          else counts.failed += spans.length;
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush(),
    };
  }
}
