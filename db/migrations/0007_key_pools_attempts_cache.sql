ALTER TABLE "provider_keys" DROP CONSTRAINT "provider_keys_scope_unique";--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "cache_key_metadata" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "request_timeout_ms" integer;--> statement-breakpoint
ALTER TABLE "provider_keys" ADD COLUMN "weight" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "attempt" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "request_logs_request_idx" ON "request_logs" USING btree ("team_id","request_id");