import { headers } from "next/headers";
import { notFound } from "next/navigation";
import type { Team } from "@/db/schema";
import { PATH_HEADER } from "@/lib/auth/redirects";
import type { ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/services/errors";
import { getGateway } from "@/lib/services/gateways/get";
import { requestLogExists } from "@/lib/services/logs/get";
import { getRoute } from "@/lib/services/routes/get";
import { getGatewayToken } from "@/lib/services/tokens/get";

interface DetailPage {
  /** The page's path; its groups are the parts `exists` reads (undefined: an optional part left out). */
  path: RegExp;
  /** False, or a NotFoundError, when the thing is not there. */
  exists(ctx: ServiceContext, teamId: string, parts: (string | undefined)[]): Promise<unknown>;
}

/** The team's pages that show one thing named in their path; the first whose path matches applies. */
const DETAIL_PAGES: DetailPage[] = [
  {
    path: /^\/[^/]+\/(?:gateways\/([^/]+)\/)?logs\/([^/]+)\/?$/,
    exists: (ctx, teamId, [gatewaySlug, logId]) => requestLogExists({ ctx, teamId, gatewaySlug, logId: logId! }),
  },
  {
    path: /^\/[^/]+\/gateways\/([^/]+)\/routes\/([^/]+)\/?$/,
    exists: (ctx, teamId, [gatewaySlug, route]) => getRoute({ ctx, teamId, gatewaySlug: gatewaySlug!, route: route! }),
  },
  // Every page of a gateway: its settings, analytics, logs and routes.
  { path: /^\/[^/]+\/gateways\/([^/]+)(?:\/|$)/, exists: (ctx, teamId, [slug]) => getGateway({ ctx, teamId, slug: slug! }) },
  { path: /^\/[^/]+\/tokens\/([^/]+)\/?$/, exists: (ctx, teamId, [tokenId]) => getGatewayToken({ ctx, teamId, tokenId: tokenId! }) },
];

/**
 * The team's pages stream inside (pages)/loading.tsx's Suspense boundary, so their status is 200
 * before a page runs, and a notFound() there cannot change it (Next's not-found docs, "Calling
 * notFound() after streaming has started"). The (pages) layout, outside that boundary, calls this:
 * a page for a gateway, route, token or log that is not in the team answers a real 404, shown in
 * the team layout's not-found page. The pages still call notFound() themselves, for navigations
 * inside the app, which render the page without its layouts.
 */
export async function notFoundForMissingThing(ctx: ServiceContext, team: Team): Promise<void> {
  const path = (await headers()).get(PATH_HEADER)?.split("?")[0] ?? "";
  for (const page of DETAIL_PAGES) {
    const match = page.path.exec(path);
    if (!match) continue;
    let parts: (string | undefined)[];
    try {
      parts = match.slice(1).map((part) => part && decodeURIComponent(part));
    } catch {
      // A malformed escape (URIError) names nothing there is.
      notFound();
    }
    const exists = await page.exists(ctx, team.id, parts).catch((error: unknown) => {
      if (error instanceof NotFoundError) return false;
      throw error;
    });
    if (exists === false) notFound();
    return;
  }
}
