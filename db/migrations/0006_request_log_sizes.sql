ALTER TABLE "request_logs" ADD COLUMN "request_bytes" integer;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "response_bytes" integer;--> statement-breakpoint
ALTER TABLE "request_log_payloads" ADD COLUMN "request_binary_type" text;--> statement-breakpoint
ALTER TABLE "request_log_payloads" ADD COLUMN "response_binary_type" text;