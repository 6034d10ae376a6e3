import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The audit trail: one row per change made through the dashboard, the management API or the CLI.
 * Append-only (nothing updates or deletes these rows, not even a team's deletion: `team_id` has no
 * foreign key). Secrets never reach `details`.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    /** Null for changes outside any team (operator grants, users). */
    teamId: text("team_id"),
    /** `user`, `api_token` or `operator` (the CLI). */
    actorType: text("actor_type").$type<"user" | "api_token" | "operator">().notNull(),
    /** The user or API token id; null for the operator. */
    actorId: text("actor_id"),
    /** Who it was as people read it when it happened (an email, a token's name, "CLI"): kept because users and tokens go away. */
    actorLabel: text("actor_label").notNull(),
    /** `{entity}.{verb}`: `provider_key.create`, `token.revoke`, `gateway.update`, `member.role_change`, … */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    /** The target's name when it happened. */
    targetLabel: text("target_label"),
    /** What changed: for an update the fields before and after; never a secret. */
    details: jsonb("details").$type<Record<string, unknown>>(),
    /** `dashboard`, `api` or `cli`. */
    via: text("via").$type<"dashboard" | "api" | "cli">().notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("audit_events_team_time_idx").on(t.teamId, t.createdAt)],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
