CREATE TABLE "session_lease_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"epoch" bigint NOT NULL,
	"owner" text NOT NULL,
	"previous_owner" text,
	"reason" text NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "session_leases" (
	"bot_id" uuid PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"epoch" bigint NOT NULL,
	"acquired_at" timestamp with time zone NOT NULL,
	"renewed_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_lease_events" ADD CONSTRAINT "session_lease_events_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_leases" ADD CONSTRAINT "session_leases_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "session_lease_events_bot_epoch_key" ON "session_lease_events" USING btree ("bot_id","epoch");--> statement-breakpoint
CREATE INDEX "session_leases_expires_idx" ON "session_leases" USING btree ("expires_at");