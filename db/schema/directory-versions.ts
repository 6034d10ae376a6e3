import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per team, bumped in the same transaction as any change to what the data plane reads
 * (gateways, tokens, provider keys, custom providers). Instances compare versions to drop stale
 * snapshot entries when they cannot LISTEN.
 */
export const directoryVersions = pgTable("directory_versions", {
  teamId: text("team_id").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(1),
  changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
