-- Sketches are stored packed (lib/analytics/sketch.ts, PackedSketch): each non-empty bucket as
-- bucket << 32 | count, so readers unnest a sixth of the elements dense arrays held.
CREATE FUNCTION sketch_pack(dense integer[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT coalesce(array_agg(((i - 1) << 32) | count ORDER BY i), '{}')
  FROM unnest(dense) WITH ORDINALITY AS cells(count, i) WHERE count <> 0
$$;
--> statement-breakpoint
DROP AGGREGATE sketch_sum(integer[]);
--> statement-breakpoint
DROP FUNCTION sketch_add(integer[], integer[]);
--> statement-breakpoint
CREATE TABLE "usage_rollups_day" (
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
	CONSTRAINT "usage_rollups_day_team_id_day_gateway_id_provider_model_token_id_ingress_format_pk" PRIMARY KEY("team_id","day","gateway_id","provider","model","token_id","ingress_format")
);
--> statement-breakpoint
ALTER TABLE "usage_rollups" ALTER COLUMN "ttfb_sketch" SET DATA TYPE bigint[] USING sketch_pack("ttfb_sketch");--> statement-breakpoint
ALTER TABLE "usage_rollups" ALTER COLUMN "ttfb_sketch" SET DEFAULT '{}';--> statement-breakpoint
ALTER TABLE "usage_rollups" ALTER COLUMN "duration_sketch" SET DATA TYPE bigint[] USING sketch_pack("duration_sketch");--> statement-breakpoint
ALTER TABLE "usage_rollups" ALTER COLUMN "duration_sketch" SET DEFAULT '{}';--> statement-breakpoint
ALTER TABLE "usage_rollups_minute" ALTER COLUMN "ttfb_sketch" SET DATA TYPE bigint[] USING sketch_pack("ttfb_sketch");--> statement-breakpoint
ALTER TABLE "usage_rollups_minute" ALTER COLUMN "ttfb_sketch" SET DEFAULT '{}';--> statement-breakpoint
ALTER TABLE "usage_rollups_minute" ALTER COLUMN "duration_sketch" SET DATA TYPE bigint[] USING sketch_pack("duration_sketch");--> statement-breakpoint
ALTER TABLE "usage_rollups_minute" ALTER COLUMN "duration_sketch" SET DEFAULT '{}';
--> statement-breakpoint
DROP FUNCTION sketch_pack(integer[]);
--> statement-breakpoint
-- Merges two packed sketches: the log writer's upsert adds a batch's sketch to a stored one.
CREATE FUNCTION sketch_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg((bucket << 32) | count ORDER BY bucket), '{}')
  FROM (SELECT cell >> 32 AS bucket, sum(cell & 4294967295)::bigint AS count FROM unnest(a || b) AS cell GROUP BY 1) AS cells
$$;
--> statement-breakpoint
-- sum() for packed sketches, for ad-hoc queries and the backfill below; the dashboards merge
-- set-wise instead (unnest, then sum per bucket), which is several times faster over many rows.
CREATE AGGREGATE sketch_sum(bigint[]) (
  SFUNC = sketch_add,
  STYPE = bigint[],
  INITCOND = '{}',
  PARALLEL = SAFE
);
--> statement-breakpoint
INSERT INTO "usage_rollups_day"
SELECT "team_id", date_trunc('day', "hour", 'UTC'), "gateway_id", "provider", "model", "token_id", "ingress_format",
  sum("requests"), sum("errors"), sum("rate_limited"), sum("refusals"), sum("client_errors"), sum("server_errors"), sum("cached_requests"),
  sum("tokens_in"), sum("tokens_out"), sum("tokens_cached"), sum("cost_micros"), sum("duration_ms_total"),
  sketch_sum("ttfb_sketch"), sketch_sum("duration_sketch")
FROM "usage_rollups"
GROUP BY 1, 2, 3, 4, 5, 6, 7;
