import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

export const teams = pgTable("teams", {
  id: text("id").primaryKey(),
  /** Appears in every URL of the team (`/v1/{slug}/…`), Cloudflare's account id. */
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export type Team = typeof teams.$inferSelect;
