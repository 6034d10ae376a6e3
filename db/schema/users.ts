import { boolean, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

// Column property names (id, name, email, emailVerified, image) follow what @auth/drizzle-adapter expects.
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  name: text("name"),
  email: text("email").notNull().unique(),
  emailVerified: timestamp("email_verified", { withTimezone: true, mode: "date" }),
  image: text("image"),
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash`; null for users who only sign in by link or OAuth. */
  passwordHash: text("password_hash"),
  /** The deployment's operator: manages operator keys and teams' credits, above every team's owners. */
  operator: boolean("operator").notNull().default(false),
  createdAt: createdAt(),
});

export type User = typeof users.$inferSelect;
