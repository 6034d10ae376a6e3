import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { gatewayTokens } from "./gateway-tokens";
import { teams } from "./teams";
import { users } from "./users";

/**
 * The gateway token the playground uses on a user's behalf. Gateway tokens are stored only as
 * hashes, so the playground keeps its own copy of the secret, envelope-encrypted like provider
 * keys; it never leaves the server.
 */
export const playgroundCredentials = pgTable(
  "playground_credentials",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    tokenId: text("token_id").notNull().references(() => gatewayTokens.id, { onDelete: "cascade" }),
    secret: text("secret").notNull(),
    masterKeyVersion: text("master_key_version").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] })],
);
