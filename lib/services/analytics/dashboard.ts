import { BREAKDOWN_DIMENSIONS, getAnalyticsBreakdown, type AnalyticsBreakdown, type BreakdownDimension } from "./breakdown";
import { getAnalyticsSeries, type AnalyticsScope, type AnalyticsSeries } from "./series";

export interface AnalyticsDashboard {
  series: AnalyticsSeries;
  breakdowns: AnalyticsBreakdown[];
}

/**
 * What an analytics page shows: the series and a breakdown per dimension (all but the gateway one
 * for a single gateway's page), read in parallel. The page's whole server work, which the bench times.
 */
export async function getAnalyticsDashboard({ ctx, teamId, gatewayId, range }: AnalyticsScope): Promise<AnalyticsDashboard> {
  const dimensions: readonly BreakdownDimension[] = gatewayId === undefined ? BREAKDOWN_DIMENSIONS : BREAKDOWN_DIMENSIONS.filter((by) => by !== "gateway");
  const [series, ...breakdowns] = await Promise.all([
    getAnalyticsSeries({ ctx, teamId, gatewayId, range }),
    ...dimensions.map((by) => getAnalyticsBreakdown({ ctx, teamId, gatewayId, range, by })),
  ]);
  return { series: series as AnalyticsSeries, breakdowns: breakdowns as AnalyticsBreakdown[] };
}
