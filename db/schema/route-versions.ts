import { boolean, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { RouteElement, RouteProblem } from "@/lib/routes/types";
import { createdAt } from "./columns";
import { routes } from "./routes";
import { teams } from "./teams";

/** Every save of a route is a version, kept unchanged; only a valid one can be deployed. */
export const routeVersions = pgTable(
  "route_versions",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    routeId: text("route_id").notNull().references(() => routes.id, { onDelete: "cascade" }),
    /** 1, 2, … per route. */
    number: integer("number").notNull(),
    /** Normalized (lib/routes/types.ts), whichever spelling was saved. */
    elements: jsonb("elements").$type<RouteElement[]>().notNull(),
    /** What keeps it from being deployed; empty when it is valid. */
    problems: jsonb("problems").$type<RouteProblem[]>().notNull().default([]),
    valid: boolean("valid").notNull(),
    /** The user who saved it; null from the CLI. */
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("route_versions_route_number_idx").on(t.routeId, t.number)],
);

export type RouteVersion = typeof routeVersions.$inferSelect;
