CREATE TABLE "deal_open_rollup" (
	"deal_type" text NOT NULL,
	"hour" integer NOT NULL,
	"deals" integer NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "deal_open_rollup_deal_type_hour_pk" PRIMARY KEY("deal_type","hour")
);
--> statement-breakpoint
-- Hand-written: emptied first (the projector refills it below), and the statements reordered so the column exists before the key.
TRUNCATE "deal_duration_rollup";--> statement-breakpoint
ALTER TABLE "deal_duration_rollup" DROP CONSTRAINT "deal_duration_rollup_measure_deal_type_ms_pk";--> statement-breakpoint
ALTER TABLE "deal_duration_rollup" DROP COLUMN "ms";--> statement-breakpoint
ALTER TABLE "deal_duration_rollup" ADD COLUMN "hours" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "deal_duration_rollup" ADD CONSTRAINT "deal_duration_rollup_measure_deal_type_hours_pk" PRIMARY KEY("measure","deal_type","hours");--> statement-breakpoint
CREATE INDEX "deal_open_rollup_empty_idx" ON "deal_open_rollup" USING btree ("hour") WHERE deals = 0;--> statement-breakpoint
CREATE INDEX "opportunities_open_created_idx" ON "opportunities" USING btree ("created_at") WHERE "opportunities"."won_at" is null and "opportunities"."lost_at" is null;--> statement-breakpoint
-- Hand-written: the durations are now whole hours and the open-deal rollup starts empty; the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
