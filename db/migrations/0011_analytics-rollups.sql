CREATE TABLE "usage_rollups_minute" (
	"team_id" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"gateway_id" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"token_id" text DEFAULT '' NOT NULL,
	"ingress_format" text DEFAULT '' NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	"refusals" integer DEFAULT 0 NOT NULL,
	"client_errors" integer DEFAULT 0 NOT NULL,
	"server_errors" integer DEFAULT 0 NOT NULL,
	"cached_requests" integer DEFAULT 0 NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"tokens_cached" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"duration_ms_total" bigint DEFAULT 0 NOT NULL,
	"ttfb_sketch" integer[] DEFAULT '{}' NOT NULL,
	"duration_sketch" integer[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "usage_rollups_minute_team_id_minute_gateway_id_provider_model_token_id_ingress_format_pk" PRIMARY KEY("team_id","minute","gateway_id","provider","model","token_id","ingress_format")
);
--> statement-breakpoint
ALTER TABLE "usage_rollups" DROP CONSTRAINT "usage_rollups_team_id_hour_gateway_id_provider_model_pk";--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "token_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "ingress_format" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "rate_limited" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "refusals" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "client_errors" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "server_errors" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "ttfb_sketch" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD COLUMN "duration_sketch" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups" ADD CONSTRAINT "usage_rollups_team_id_hour_gateway_id_provider_model_token_id_ingress_format_pk" PRIMARY KEY("team_id","hour","gateway_id","provider","model","token_id","ingress_format");