CREATE TABLE "projector_state" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor_tx" bigint NOT NULL,
	"cursor_id" bigint NOT NULL,
	"applied_below" bigint NOT NULL,
	"applied_events" bigint DEFAULT 0 NOT NULL,
	"newest_received_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "tx" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "rejected_events" ADD COLUMN "raw_body" "bytea";--> statement-breakpoint
CREATE INDEX "events_tx_idx" ON "events" USING btree ("tx","id");--> statement-breakpoint
-- Events already in the log were applied when they arrived: the projector starts after them.
INSERT INTO "projector_state" ("name", "cursor_tx", "cursor_id", "applied_below", "applied_events", "newest_received_at")
SELECT 'main', (pg_current_xact_id()::text)::bigint, coalesce(max("id"), 0), (pg_current_xact_id()::text)::bigint + 1, count(*), max("received_at")
FROM "events";
