CREATE TYPE "public"."budget_period" AS ENUM('daily', 'weekly', 'monthly', 'rolling');--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"gateway_id" text,
	"token_id" text,
	"name" text NOT NULL,
	"limit_micros" bigint NOT NULL,
	"period" "budget_period" NOT NULL,
	"window_seconds" integer,
	"alert_percent" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"counter" text NOT NULL,
	"label" text NOT NULL,
	"percent" integer NOT NULL,
	"window_start" bigint NOT NULL,
	"used_micros" bigint NOT NULL,
	"limit_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "limit_counters" (
	"counter" text NOT NULL,
	"window_start" bigint NOT NULL,
	"used" bigint DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "limit_counters_counter_window_start_pk" PRIMARY KEY("counter","window_start")
);
--> statement-breakpoint
CREATE TABLE "limit_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"charges" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"amount_micros" bigint NOT NULL,
	"note" text,
	"granted_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"alias" text DEFAULT 'default' NOT NULL,
	"secret" text NOT NULL,
	"master_key_version" text NOT NULL,
	"wrapped_at" timestamp with time zone DEFAULT now() NOT NULL,
	"secret_start" text NOT NULL,
	"secret_last4" text NOT NULL,
	"base_url" text,
	"weight" integer DEFAULT 1 NOT NULL,
	"last_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "operator" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "rate_limits" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "spend_limits" jsonb;--> statement-breakpoint
ALTER TABLE "gateway_tokens" ADD COLUMN "rate_limits" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "key_source" text;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_token_id_gateway_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."gateway_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budgets_team_idx" ON "budgets" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_once_idx" ON "budget_alerts" USING btree ("counter","window_start","percent");--> statement-breakpoint
CREATE INDEX "budget_alerts_team_idx" ON "budget_alerts" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE INDEX "limit_counters_expires_idx" ON "limit_counters" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "limit_reservations_expires_idx" ON "limit_reservations" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "limit_reservations_instance_idx" ON "limit_reservations" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "credit_grants_team_idx" ON "credit_grants" USING btree ("team_id");