CREATE TABLE "handoff_contributions" (
	"kind" text NOT NULL,
	"item_id" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"minutes" integer,
	CONSTRAINT "handoff_contributions_kind_item_id_dimension_value_pk" PRIMARY KEY("kind","item_id","dimension","value")
);
--> statement-breakpoint
CREATE TABLE "handoff_rollup" (
	"kind" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"items" integer NOT NULL,
	"done" integer NOT NULL,
	CONSTRAINT "handoff_rollup_kind_dimension_value_grain_bucket_pk" PRIMARY KEY("kind","dimension","value","grain","bucket")
);
--> statement-breakpoint
CREATE INDEX "handoff_contributions_started_idx" ON "handoff_contributions" USING btree ("kind","dimension","value","started_at");--> statement-breakpoint
CREATE INDEX "handoff_contributions_minutes_idx" ON "handoff_contributions" USING btree ("kind","dimension","value","minutes","started_at");--> statement-breakpoint
CREATE INDEX "handoff_rollup_empty_idx" ON "handoff_rollup" USING btree ("bucket") WHERE items = 0;--> statement-breakpoint
-- Hand-written: the new rollups start empty; the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
