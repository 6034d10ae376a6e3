import { requireRole } from "../roles";
import { BREAKDOWN_DIMENSIONS, getAnalyticsBreakdown, metadataDimension, type AnalyticsBreakdown, type BreakdownBy } from "./breakdown";
import { getAnalyticsSeries, type AnalyticsScope, type AnalyticsSeries } from "./series";

export interface AnalyticsDashboard {
  series: AnalyticsSeries;
  /** The breakdown the page shows; the others are a click (a page load) away. */
  breakdown: AnalyticsBreakdown;
  /** What the page may break down by: all but the gateway on a single gateway's page, then each metadata key the team chose. */
  dimensions: readonly BreakdownBy[];
}

/**
 * What an analytics page shows: the series and one breakdown (`by`, a URL search param; the first
 * dimension when missing or unknown), read in parallel. The page's whole server work, which the
 * bench times. One breakdown a page, not all of them: each merges its rows' latency sketches.
 */
export async function getAnalyticsDashboard({ ctx, teamId, gatewayId, range, by }: AnalyticsScope & { by?: string }): Promise<AnalyticsDashboard> {
  const team = await requireRole(ctx, teamId, "viewer");
  const fixed = gatewayId === undefined ? BREAKDOWN_DIMENSIONS : BREAKDOWN_DIMENSIONS.filter((dimension) => dimension !== "gateway");
  const dimensions: BreakdownBy[] = [...fixed, ...team.analyticsMetadataKeys.map(metadataDimension)];
  const chosen = dimensions.find((dimension) => dimension === by) ?? dimensions[0]!;
  const [series, breakdown] = await Promise.all([getAnalyticsSeries({ ctx, teamId, gatewayId, range }), getAnalyticsBreakdown({ ctx, teamId, gatewayId, range, by: chosen })]);
  return { series, breakdown, dimensions };
}
