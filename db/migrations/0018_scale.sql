CREATE TABLE "gateway_log_counts" (
	"gateway_id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"logged" bigint NOT NULL,
	"counted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "request_logs" DROP CONSTRAINT "request_logs_pkey";--> statement-breakpoint
ALTER TABLE "request_logs" ADD CONSTRAINT "request_logs_id_created_at_pk" PRIMARY KEY("id","created_at");--> statement-breakpoint
ALTER TABLE "request_log_payloads" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
UPDATE "request_log_payloads" AS p SET "created_at" = l."created_at" FROM "request_logs" AS l WHERE l."id" = p."log_id";--> statement-breakpoint
DELETE FROM "request_log_payloads" WHERE "created_at" IS NULL;--> statement-breakpoint
ALTER TABLE "request_log_payloads" ALTER COLUMN "created_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "request_log_payloads" DROP CONSTRAINT "request_log_payloads_pkey";--> statement-breakpoint
ALTER TABLE "request_log_payloads" ADD CONSTRAINT "request_log_payloads_log_id_created_at_pk" PRIMARY KEY("log_id","created_at");--> statement-breakpoint
ALTER TABLE "gateway_log_counts" ADD CONSTRAINT "gateway_log_counts_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE cascade ON UPDATE no action;
