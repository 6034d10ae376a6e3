-- Playground tokens made before they were marked: each becomes its user's own (hidden from other
-- members' token lists) and expires 12 hours from now unless used, as new ones do.
UPDATE "gateway_tokens" SET
	"playground_user_id" = "playground_credentials"."user_id",
	"expires_at" = COALESCE("gateway_tokens"."expires_at", now() + interval '12 hours')
FROM "playground_credentials"
WHERE "playground_credentials"."token_id" = "gateway_tokens"."id";
