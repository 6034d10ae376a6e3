CREATE TABLE "playground_credentials" (
	"user_id" text NOT NULL,
	"team_id" text NOT NULL,
	"token_id" text NOT NULL,
	"secret" text NOT NULL,
	"master_key_version" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playground_credentials_user_id_team_id_pk" PRIMARY KEY("user_id","team_id")
);
--> statement-breakpoint
ALTER TABLE "playground_credentials" ADD CONSTRAINT "playground_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playground_credentials" ADD CONSTRAINT "playground_credentials_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playground_credentials" ADD CONSTRAINT "playground_credentials_token_id_gateway_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."gateway_tokens"("id") ON DELETE cascade ON UPDATE no action;