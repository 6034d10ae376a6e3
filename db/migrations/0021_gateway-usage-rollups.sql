CREATE TABLE "gateway_usage_rollups" (
	"team_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
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
	"ttfb_sketch" bigint[] DEFAULT '{}' NOT NULL,
	"duration_sketch" bigint[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "gateway_usage_rollups_team_id_hour_gateway_id_provider_model_token_id_ingress_format_pk" PRIMARY KEY("team_id","hour","gateway_id","provider","model","token_id","ingress_format")
);
--> statement-breakpoint
CREATE TABLE "gateway_usage_rollups_day" (
	"team_id" text NOT NULL,
	"day" timestamp with time zone NOT NULL,
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
	"ttfb_sketch" bigint[] DEFAULT '{}' NOT NULL,
	"duration_sketch" bigint[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "gateway_usage_rollups_day_team_id_day_gateway_id_provider_model_token_id_ingress_format_pk" PRIMARY KEY("team_id","day","gateway_id","provider","model","token_id","ingress_format")
);
--> statement-breakpoint
INSERT INTO "gateway_usage_rollups"
SELECT "team_id", "hour", "gateway_id", '', '', '', '',
  sum("requests"), sum("errors"), sum("rate_limited"), sum("refusals"), sum("client_errors"), sum("server_errors"), sum("cached_requests"),
  sum("tokens_in"), sum("tokens_out"), sum("tokens_cached"), sum("cost_micros"), sum("duration_ms_total"),
  sketch_sum("ttfb_sketch"), sketch_sum("duration_sketch")
FROM "usage_rollups"
GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO "gateway_usage_rollups_day"
SELECT "team_id", "day", "gateway_id", '', '', '', '',
  sum("requests"), sum("errors"), sum("rate_limited"), sum("refusals"), sum("client_errors"), sum("server_errors"), sum("cached_requests"),
  sum("tokens_in"), sum("tokens_out"), sum("tokens_cached"), sum("cost_micros"), sum("duration_ms_total"),
  sketch_sum("ttfb_sketch"), sketch_sum("duration_sketch")
FROM "usage_rollups_day"
GROUP BY 1, 2, 3;
