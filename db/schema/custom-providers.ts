import { boolean, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns";
import { teams } from "./teams";

/** Reached as `custom-{slug}` in passthrough paths and compat model names (reference §1.2.1). */
export const customProviders = pgTable(
  "custom_providers",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    description: text("description"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("custom_providers_team_slug_idx").on(t.teamId, t.slug)],
);

export type CustomProvider = typeof customProviders.$inferSelect;
