import { headers } from "next/headers";
import { notFound } from "next/navigation";
import type { Team } from "@/db/schema";
import { PATH_HEADER } from "@/lib/auth/redirects";
import type { ServiceContext } from "@/lib/services/context";
import { NotFoundError } from "@/lib/services/errors";
import { requestLogExists } from "@/lib/services/logs/get";

/** A log detail page's path: /{team}/logs/{id} or /{team}/gateways/{gateway}/logs/{id}. */
const LOG_DETAIL_PATH = /^\/[^/]+\/(?:gateways\/([^/]+)\/)?logs\/([^/]+)\/?$/;

/**
 * Every page under app/(dashboard)/[team] streams inside [team]/loading.tsx's Suspense boundary,
 * so its status is 200 before the page runs, and a notFound() there cannot change it (Next's
 * not-found docs, "Calling notFound() after streaming has started"). The team layout, outside
 * that boundary, calls this: a log id that is not there answers a real 404.
 */
export async function notFoundForMissingLog(ctx: ServiceContext, team: Team): Promise<void> {
  const path = (await headers()).get(PATH_HEADER)?.split("?")[0] ?? "";
  const match = LOG_DETAIL_PATH.exec(path);
  if (!match) return;
  const [, gatewaySlug, logId] = match as unknown as [string, string | undefined, string];
  const exists = await requestLogExists({ ctx, teamId: team.id, gatewaySlug: gatewaySlug && decodeURIComponent(gatewaySlug), logId: decodeURIComponent(logId) }).catch((error: unknown) => {
    if (error instanceof NotFoundError) return false;
    throw error;
  });
  if (!exists) notFound();
}
