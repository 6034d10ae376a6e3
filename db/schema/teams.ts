import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

export const teams = pgTable("teams", {
  id: text("id").primaryKey(),
  /** Appears in every URL of the team (`/v1/{slug}/…`), Cloudflare's account id. */
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** Decimal places the dashboard shows dollar amounts with (2–6); storage stays in micro-dollars. */
  displayPrecision: integer("display_precision").notNull().default(2),
  /** Days request logs are kept; null keeps them until a gateway's log limit removes them. */
  logRetentionDays: integer("log_retention_days"),
  /**
   * Request metadata keys (at most 3) the analytics break down by: the log writer rolls their
   * values up (metadata_usage_rollups*) from the moment a key is chosen; earlier logs are not.
   */
  analyticsMetadataKeys: text("analytics_metadata_keys").array().notNull().default([]),
  createdAt: createdAt(),
});

export type Team = typeof teams.$inferSelect;
