import { index, pgEnum, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { teams } from "./teams";
import { users } from "./users";

export const roles = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof roles)[number];
export const roleEnum = pgEnum("role", roles);

export const memberships = pgTable(
  "memberships",
  {
    teamId: text("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export type Membership = typeof memberships.$inferSelect;
