CREATE TABLE "routes" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"gateway_id" text NOT NULL,
	"name" text NOT NULL,
	"deployed_version_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "route_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"route_id" text NOT NULL,
	"number" integer NOT NULL,
	"elements" jsonb NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"valid" boolean NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "route_deployments" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"route_id" text NOT NULL,
	"version_id" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "guardrails" jsonb;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "dlp" jsonb;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "route" jsonb;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "guardrails" jsonb;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "dlp" jsonb;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "parent_request_id" text;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_versions" ADD CONSTRAINT "route_versions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_versions" ADD CONSTRAINT "route_versions_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_deployments" ADD CONSTRAINT "route_deployments_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_deployments" ADD CONSTRAINT "route_deployments_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "routes_gateway_name_idx" ON "routes" USING btree ("gateway_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "route_versions_route_number_idx" ON "route_versions" USING btree ("route_id","number");--> statement-breakpoint
CREATE INDEX "route_deployments_route_idx" ON "route_deployments" USING btree ("route_id","created_at");