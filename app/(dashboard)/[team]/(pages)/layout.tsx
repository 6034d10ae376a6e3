import type { ReactNode } from "react";
import { requireTeam } from "@/lib/auth/team";
import { notFoundForMissingThing } from "@/lib/dashboard/missing-page";

// The team's pages, in a route group so that their loading.tsx (a Suspense boundary, which starts
// the response with status 200) sits below this layout and the team's: a notFound() here, or in
// [...missing] beside the group, comes before any streaming and answers 404, in the team layout's
// not-found page with the sidebar.
export default async function TeamPagesLayout({ children, params }: { children: ReactNode; params: Promise<{ team: string }> }) {
  const { ctx, team } = await requireTeam((await params).team);
  await notFoundForMissingThing(ctx, team);
  return children;
}
