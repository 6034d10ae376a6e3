import { SeriesChart, type SeriesDef } from "@/components/charts/series-chart";
import { Stat } from "@/components/stat";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { LinkTabs } from "@/components/ui/link-tabs";
import type { AnalyticsRange } from "@/lib/analytics/range";
import { metadataKeyOf, type AnalyticsBreakdown, type BreakdownBy, type BreakdownDimension } from "@/lib/services/analytics/breakdown";
import type { AnalyticsDashboard } from "@/lib/services/analytics/dashboard";
import { formatCompact, formatCost, formatDuration, formatNumber, formatPercent } from "@/lib/utils/format";
import { BreakdownTable } from "./breakdown-table";
import { RangePicker } from "./range-picker";

const DIMENSION_LABELS: Record<BreakdownDimension, string> = {
  gateway: "Gateway",
  provider: "Provider",
  model: "Model",
  token: "Token",
  ingressFormat: "Ingress format",
};

/** A dimension's name on its tab and table; a metadata key's is the key itself. */
function dimensionLabel(by: BreakdownBy): string {
  const metadataKey = metadataKeyOf(by);
  return metadataKey === null ? DIMENSION_LABELS[by as BreakdownDimension] : `${metadataKey} (metadata)`;
}

const LEVEL_LABELS: Record<AnalyticsRange["level"], string> = { minute: "per-minute", hour: "hourly", day: "daily" };

// Distinct in light and dark mode alike; the neutral colours come from the theme's variables.
const COLORS = { ok: "oklch(0.6 0.17 250)", warn: "oklch(0.75 0.16 75)", refusal: "oklch(0.62 0.2 300)", client: "oklch(0.7 0.15 45)", server: "oklch(0.6 0.22 25)", green: "oklch(0.65 0.15 155)" };

const REQUEST_SERIES: SeriesDef[] = [
  { key: "succeeded", label: "Succeeded", color: COLORS.ok, shape: "bar" },
  { key: "rateLimited", label: "Rate limited (429)", color: COLORS.warn, shape: "bar" },
  { key: "refusals", label: "Gateway refusals", color: COLORS.refusal, shape: "bar" },
  { key: "clientErrors", label: "Other 4xx", color: COLORS.client, shape: "bar" },
  { key: "serverErrors", label: "5xx / provider", color: COLORS.server, shape: "bar" },
];
const TOKEN_SERIES: SeriesDef[] = [
  { key: "tokensIn", label: "In", color: COLORS.ok, shape: "line" },
  { key: "tokensOut", label: "Out", color: COLORS.green, shape: "line" },
  { key: "tokensCached", label: "Cached", color: COLORS.warn, shape: "line" },
];
const percentileSeries = (prefix: string): SeriesDef[] => [
  { key: `${prefix}P50`, label: "p50", color: COLORS.green, shape: "line" },
  { key: `${prefix}P95`, label: "p95", color: COLORS.warn, shape: "line" },
  { key: `${prefix}P99`, label: "p99", color: COLORS.server, shape: "line" },
];

/**
 * The analytics of a team or one gateway over a range: totals, series charts and breakdown tables.
 * `base` is the page's path (the range picker's links); `teamBase` prefixes gateway links.
 */
export function AnalyticsView({
  dashboard,
  range,
  rangeError,
  precision,
  base,
  teamBase,
}: {
  dashboard: AnalyticsDashboard;
  range: AnalyticsRange;
  rangeError: string | null;
  precision: number;
  base: string;
  teamBase: string;
}) {
  const { totals, points } = dashboard.series;
  const data = points.map((p) => ({
    at: p.at.getTime(),
    succeeded: p.requests - p.errors,
    rateLimited: p.rateLimited,
    refusals: p.refusals,
    clientErrors: p.clientErrors,
    serverErrors: p.serverErrors,
    tokensIn: p.tokensIn,
    tokensOut: p.tokensOut,
    tokensCached: p.tokensCached,
    costMicros: p.costMicros,
    cacheHitRate: p.cacheHitRate,
    durationP50: p.duration.p50,
    durationP95: p.duration.p95,
    durationP99: p.duration.p99,
    ttfbP50: p.ttfb.p50,
    ttfbP95: p.ttfb.p95,
    ttfbP99: p.ttfb.p99,
  }));
  const chart = { data, bucketMs: range.bucketMs, emptyText: "No requests in this range." };
  const { breakdown } = dashboard;
  const bucket = range.bucketMs >= 86_400_000 ? "day" : range.bucketMs >= 3_600_000 ? "hour" : `${range.bucketMs / 60_000} min`;

  return (
    <div className="space-y-6">
      <RangePicker base={base} range={range} by={breakdown.by} />
      {rangeError ? <Alert variant="error">{`${rangeError}. Showing the last 24 hours instead.`}</Alert> : null}
      <p className="text-xs text-muted-foreground">
        {`UTC, one point per ${bucket}, from ${LEVEL_LABELS[range.level]} rollups.`}
      </p>

      <section aria-label="Totals" className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat
          label="Requests"
          value={formatCompact(totals.requests)}
          title={formatNumber(totals.requests)}
          detail={`${formatPercent(totals.cachedRequests, totals.requests)} from cache`}
        />
        <Stat
          label="Tokens"
          value={formatCompact(totals.tokensIn + totals.tokensOut)}
          title={formatNumber(totals.tokensIn + totals.tokensOut)}
          detail={`${formatCompact(totals.tokensIn)} in · ${formatCompact(totals.tokensOut)} out · ${formatCompact(totals.tokensCached)} cached`}
        />
        <Stat label="Cost" value={formatCost(totals.costMicros, precision)} detail="at catalog prices" />
        <Stat
          label="Errors"
          value={formatPercent(totals.errors, totals.requests)}
          detail={`${formatNumber(totals.rateLimited)} rate limited · ${formatNumber(totals.refusals)} refused · ${formatNumber(totals.clientErrors + totals.serverErrors)} other`}
        />
        <Stat
          label="Latency p95"
          value={formatDuration(totals.duration.p95)}
          detail={`p50 ${formatDuration(totals.duration.p50)} · first byte p95 ${formatDuration(totals.ttfb.p95)}`}
        />
      </section>

      <Card>
        <CardContent className="grid grid-cols-1 gap-8 pt-5 xl:grid-cols-2">
          <SeriesChart title="Requests by outcome" series={REQUEST_SERIES} value={{ kind: "count" }} {...chart} />
          <SeriesChart title="Tokens" series={TOKEN_SERIES} value={{ kind: "count" }} {...chart} />
          <SeriesChart title="Cost" series={[{ key: "costMicros", label: "Cost", color: COLORS.ok, shape: "area" }]} value={{ kind: "money", precision }} {...chart} />
          <SeriesChart title="Cache hit rate" series={[{ key: "cacheHitRate", label: "Cached requests", color: COLORS.green, shape: "line" }]} value={{ kind: "rate" }} {...chart} />
          <SeriesChart title="Latency, total" series={percentileSeries("duration")} value={{ kind: "ms" }} {...chart} />
          <SeriesChart title="Latency, time to first byte" series={percentileSeries("ttfb")} value={{ kind: "ms" }} {...chart} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Breakdowns</CardTitle>
        </CardHeader>
        <LinkTabs
          label="Break down by"
          selected={breakdown.by}
          items={dashboard.dimensions.map((by) => ({ id: by, label: dimensionLabel(by), href: `${base}?${rangeQuery(range)}&by=${encodeURIComponent(by)}` }))}
        >
          <BreakdownTable
            caption={`By ${metadataKeyOf(breakdown.by) === null ? dimensionLabel(breakdown.by).toLowerCase() : dimensionLabel(breakdown.by)}`}
            dimension={dimensionLabel(breakdown.by)}
            rows={tableRows(breakdown, teamBase, range)}
            precision={precision}
          />
        </LinkTabs>
      </Card>
    </div>
  );
}

/** The range as search params (without "?"), for links that keep it. */
function rangeQuery(range: AnalyticsRange): string {
  return range.preset === "custom" ? `range=custom&from=${range.from.toISOString()}&to=${range.to.toISOString()}` : `range=${range.preset}`;
}

function tableRows(breakdown: AnalyticsBreakdown, teamBase: string, range: AnalyticsRange) {
  const query = `?${rangeQuery(range)}`;
  return breakdown.rows.map((row) => ({
    key: row.key,
    label: row.label,
    href: row.gatewaySlug ? `${teamBase}/gateways/${row.gatewaySlug}/analytics${query}` : null,
    none: row.key === "",
    requests: row.requests,
    errors: row.errors,
    cachedRequests: row.cachedRequests,
    tokensIn: row.tokensIn,
    tokensOut: row.tokensOut,
    costMicros: row.costMicros,
    p95Ms: row.duration.p95,
    spark: row.spark,
  }));
}
