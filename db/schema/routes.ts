import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { gateways } from "./gateways";
import { teams } from "./teams";

/**
 * A dynamic route of a gateway, called as `model: "dynamic/{name}"`. Its elements live in its
 * versions (route-versions.ts); the deployed one serves traffic.
 */
export const routes = pgTable(
  "routes",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    gatewayId: text("gateway_id").notNull().references(() => gateways.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The version that serves traffic; null until one is deployed. No foreign key: the two tables reference each other. */
    deployedVersionId: text("deployed_version_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("routes_gateway_name_idx").on(t.gatewayId, t.name)],
);

export type Route = typeof routes.$inferSelect;
