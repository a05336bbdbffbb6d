CREATE TYPE "public"."bot_channel" AS ENUM('whatsapp_web', 'cloud_api');--> statement-breakpoint
CREATE TYPE "public"."session_status" AS ENUM('DISCONNECTED', 'STARTING', 'QR_REQUIRED', 'CONNECTED', 'RECONNECTING', 'LOGGED_OUT', 'ERROR');--> statement-breakpoint
CREATE TABLE "bots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"channel" "bot_channel" DEFAULT 'whatsapp_web' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "session_status" DEFAULT 'DISCONNECTED' NOT NULL,
	"status_reason" text,
	"session_id" uuid,
	"phone_number" text,
	"display_name" text,
	"last_connected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bot_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"status" "session_status" NOT NULL,
	"reason" text,
	"phone_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "whatsapp_auth" (
	"bot_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key_id" text NOT NULL,
	"data" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_auth_bot_id_kind_key_id_pk" PRIMARY KEY("bot_id","kind","key_id")
);
--> statement-breakpoint
ALTER TABLE "bots" ADD CONSTRAINT "bots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_auth" ADD CONSTRAINT "whatsapp_auth_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bots_workspace_idx" ON "bots" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bots_session_id_key" ON "bots" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "session_events_bot_idx" ON "session_events" USING btree ("bot_id","id");