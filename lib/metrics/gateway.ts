import type { DirectoryStats } from "@/lib/state/directory";
import type { LogQueueStats } from "@/lib/logs/queue";
import type { OtelStats } from "@/lib/otel/export";
import { isCustomProviderSlug } from "@/lib/providers";
import { Histogram, single, type MetricFamily, type MetricsSnapshot } from "./registry";

/** Seconds to the provider's response headers: model calls take from milliseconds to minutes. */
export const UPSTREAM_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** The gateway's own seconds; the target is under a millisecond, so the buckets start at 100 µs. */
export const ADDED_LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The provider label of requests refused before a provider was known. */
const NO_PROVIDER = "none";
/** Every team's custom provider counts under one label: slugs are per team and unbounded. */
const CUSTOM_PROVIDER = "custom";

interface Cell {
  value: number;
}

/**
 * What the data plane records per request, on plain numbers: a request costs two map lookups and
 * increments, and allocates only the first time a provider and status pair is seen.
 */
export class GatewayMetrics {
  /** Provider label → status → count, keyed by the values themselves so no key string is built per request. */
  private readonly requests = new Map<string, Map<number, Cell>>();
  private readonly upstreamLatency = new Histogram(UPSTREAM_LATENCY_BUCKETS);
  private readonly addedLatency = new Histogram(ADDED_LATENCY_BUCKETS);
  private streams = 0;
  /** The OTLP span export's counters (lib/otel), kept by the export itself. */
  readonly otel: OtelStats = { queued: 0, exported: 0, failed: 0, dropped: 0 };

  /** Once per request, when its response headers are ready. */
  requestAnswered(status: number, provider: string | null): void {
    const label = provider === null ? NO_PROVIDER : isCustomProviderSlug(provider) ? CUSTOM_PROVIDER : provider;
    let byStatus = this.requests.get(label);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(label, byStatus);
    }
    const cell = byStatus.get(status);
    if (cell) cell.value++;
    else byStatus.set(status, { value: 1 });
  }

  /**
   * Once per provider answer: `upstreamMs` from the call to the provider's response headers,
   * `totalMs` from the request's arrival to the gateway's own response headers.
   */
  upstreamAnswered(upstreamMs: number, totalMs: number): void {
    this.upstreamLatency.observe(upstreamMs / 1000);
    this.addedLatency.observe(Math.max(0, totalMs - upstreamMs) / 1000);
  }

  streamOpened(): void {
    this.streams++;
  }

  streamClosed(): void {
    this.streams--;
  }

  families(): MetricFamily[] {
    const requests: MetricFamily = {
      name: "switchyard_requests_total",
      help: "Gateway requests answered, by HTTP status and provider (custom providers as \"custom\", none known as \"none\").",
      type: "counter",
      aggregator: "sum",
      values: [],
    };
    for (const [provider, byStatus] of this.requests) {
      for (const [status, cell] of byStatus) requests.values.push({ labels: { status: String(status), provider }, value: cell.value });
    }
    return [
      requests,
      this.upstreamLatency.family("switchyard_upstream_latency_seconds", "Time from calling the provider to its response headers."),
      this.addedLatency.family(
        "switchyard_added_latency_seconds",
        "The gateway's own time: from the request's arrival to the gateway's response headers, minus the upstream latency.",
      ),
      single("switchyard_streams_in_flight", "Event streams being relayed to clients.", "gauge", this.streams),
      single("switchyard_otel_spans_queued_total", "Request spans queued for a gateway's OpenTelemetry collector.", "counter", this.otel.queued),
      single("switchyard_otel_spans_exported_total", "Request spans an OpenTelemetry collector accepted.", "counter", this.otel.exported),
      single("switchyard_otel_spans_failed_total", "Request spans sent that an OpenTelemetry collector refused or did not answer for.", "counter", this.otel.failed),
      single(
        "switchyard_otel_spans_dropped_total",
        "Request spans dropped because their collector's queue was full or its URL is not allowed.",
        "counter",
        this.otel.dropped,
      ),
    ];
  }
}

export interface ProcessSources {
  gateway: GatewayMetrics;
  logs: LogQueueStats;
  /** Absent where the gateway does not report it. */
  directory?: DirectoryStats;
}

/** Everything one process reports; the cluster sums these over its workers. */
export function processSnapshot({ gateway, logs, directory }: ProcessSources): MetricsSnapshot {
  const families: MetricFamily[] = [
    single("switchyard_workers", "Server processes whose metrics this scrape includes.", "gauge", 1),
    ...gateway.families(),
    single("switchyard_log_queue_depth", "Log rows in memory, waiting or being written.", "gauge", logs.queued),
    single("switchyard_log_rows_written_total", "Log rows written to the database.", "counter", logs.written),
    single("switchyard_log_rows_dropped_total", "Log rows dropped because the queue was full or closed.", "counter", logs.dropped),
    single(
      "switchyard_log_payloads_dropped_total",
      "Log rows kept without their request and response bodies because the queue was filling up.",
      "counter",
      logs.payloadsDropped,
    ),
    single(
      "switchyard_log_write_failures_total",
      "Log rows lost because the database refused them, even stored without their details.",
      "counter",
      logs.failed,
    ),
  ];
  if (directory) {
    families.push(
      single("switchyard_snapshot_teams_loaded", "Teams held in the in-process directory snapshot.", "gauge", directory.teamsLoaded),
      single("switchyard_snapshot_reloads_total", "Directory snapshot loads of a team from the database.", "counter", directory.reloads),
      single(
        "switchyard_snapshot_invalidations_total",
        "Directory snapshot invalidations after a change in the database.",
        "counter",
        directory.invalidations,
      ),
      single(
        "switchyard_snapshot_token_misses_total",
        "Gateway tokens looked up that the snapshot did not hold.",
        "counter",
        directory.tokenMisses,
      ),
      single("switchyard_snapshot_queries_total", "Database queries made by the directory snapshot.", "counter", directory.queries),
    );
  }
  families.push(
    single("process_resident_memory_bytes", "Resident memory of the server processes, in bytes.", "gauge", process.memoryUsage.rss()),
  );
  return families;
}
