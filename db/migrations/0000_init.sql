CREATE TYPE "public"."role" AS ENUM('owner', 'admin', 'member', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."log_management_strategy" AS ENUM('STOP_INSERTING', 'DELETE_OLDEST');--> statement-breakpoint
CREATE TYPE "public"."rate_limiting_technique" AS ENUM('fixed', 'sliding');--> statement-breakpoint
CREATE TYPE "public"."retry_backoff" AS ENUM('constant', 'linear', 'exponential');--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text NOT NULL,
	"email_verified" timestamp with time zone,
	"image" text,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"team_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" "role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "gateways" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"slug" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"authentication" boolean DEFAULT false NOT NULL,
	"collect_logs" boolean DEFAULT true NOT NULL,
	"collect_log_payloads" boolean DEFAULT true NOT NULL,
	"log_management" integer,
	"log_management_strategy" "log_management_strategy",
	"cache_ttl" integer DEFAULT 0 NOT NULL,
	"cache_invalidate_on_update" boolean DEFAULT false NOT NULL,
	"rate_limiting_interval" integer DEFAULT 0 NOT NULL,
	"rate_limiting_limit" integer DEFAULT 0 NOT NULL,
	"rate_limiting_technique" "rate_limiting_technique" DEFAULT 'fixed' NOT NULL,
	"retry_max_attempts" integer DEFAULT 1 NOT NULL,
	"retry_delay" integer DEFAULT 0 NOT NULL,
	"retry_backoff" "retry_backoff" DEFAULT 'constant' NOT NULL,
	"byok_only" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gateway_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"start" text NOT NULL,
	"last4" text NOT NULL,
	"gateway_ids" text[],
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "gateway_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "provider_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"gateway_id" text,
	"provider" text NOT NULL,
	"alias" text DEFAULT 'default' NOT NULL,
	"secret" text NOT NULL,
	"master_key_version" text NOT NULL,
	"secret_start" text NOT NULL,
	"secret_last4" text NOT NULL,
	"base_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"last_status" text,
	CONSTRAINT "provider_keys_scope_unique" UNIQUE NULLS NOT DISTINCT("team_id","gateway_id","provider","alias")
);
--> statement-breakpoint
CREATE TABLE "custom_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"description" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_logs" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"gateway_id" text,
	"token_id" text,
	"event_id" text NOT NULL,
	"provider" text,
	"model" text,
	"path" text NOT NULL,
	"method" text NOT NULL,
	"status_code" integer NOT NULL,
	"success" boolean NOT NULL,
	"error_code" integer,
	"error_message" text,
	"stream" boolean DEFAULT false NOT NULL,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"tokens_cached" integer DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"custom_cost" boolean DEFAULT false NOT NULL,
	"duration_ms" integer NOT NULL,
	"ttfb_ms" integer,
	"step" integer DEFAULT 0 NOT NULL,
	"cached" boolean DEFAULT false NOT NULL,
	"metadata" jsonb,
	"user_agent" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_log_payloads" (
	"log_id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"request_body" text,
	"response_body" text,
	"request_headers" jsonb,
	"response_headers" jsonb
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"team_id" text NOT NULL,
	"gateway_id" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"cached_requests" integer DEFAULT 0 NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"tokens_cached" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"duration_ms_total" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_rollups_team_id_hour_gateway_id_provider_model_pk" PRIMARY KEY("team_id","hour","gateway_id","provider","model")
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateways" ADD CONSTRAINT "gateways_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_tokens" ADD CONSTRAINT "gateway_tokens_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gateway_tokens" ADD CONSTRAINT "gateway_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_keys" ADD CONSTRAINT "provider_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_keys" ADD CONSTRAINT "provider_keys_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_providers" ADD CONSTRAINT "custom_providers_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gateways_team_slug_idx" ON "gateways" USING btree ("team_id","slug");--> statement-breakpoint
CREATE INDEX "gateway_tokens_team_idx" ON "gateway_tokens" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "provider_keys_team_idx" ON "provider_keys" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "custom_providers_team_slug_idx" ON "custom_providers" USING btree ("team_id","slug");--> statement-breakpoint
CREATE INDEX "request_logs_gateway_time_idx" ON "request_logs" USING btree ("team_id","gateway_id","created_at");