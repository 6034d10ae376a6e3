import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { routes } from "./routes";
import { teams } from "./teams";

/** Each deployment of a version, rollbacks included: the route's history of what served traffic when. */
export const routeDeployments = pgTable(
  "route_deployments",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    routeId: text("route_id").notNull().references(() => routes.id, { onDelete: "cascade" }),
    versionId: text("version_id").notNull(),
    /** The user who deployed it; null from the CLI. */
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [index("route_deployments_route_idx").on(t.routeId, t.createdAt)],
);

export type RouteDeployment = typeof routeDeployments.$inferSelect;
