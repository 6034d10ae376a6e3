ALTER TABLE "request_logs" ADD COLUMN "ingress_format" text;--> statement-breakpoint
ALTER TABLE "request_log_payloads" ADD COLUMN "provider_request_body" text;