CREATE TABLE "sign_in_attempts" (
	"limiter" text NOT NULL,
	"key" text NOT NULL,
	"hits" timestamp with time zone[] NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sign_in_attempts_limiter_key_pk" PRIMARY KEY("limiter","key")
);
--> statement-breakpoint
ALTER TABLE "provider_keys" ADD COLUMN "wrapped_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Existing keys were last wrapped when they were added or last rotated, which both set updated_at.
UPDATE "provider_keys" SET "wrapped_at" = "updated_at";--> statement-breakpoint
CREATE INDEX "sign_in_attempts_expires_idx" ON "sign_in_attempts" USING btree ("expires_at");