CREATE TABLE "deal_close_rollup" (
	"day" date NOT NULL,
	"deal_type" text NOT NULL,
	"outcome" text NOT NULL,
	"deals" integer NOT NULL,
	CONSTRAINT "deal_close_rollup_day_deal_type_outcome_pk" PRIMARY KEY("day","deal_type","outcome")
);
--> statement-breakpoint
CREATE TABLE "deal_duration_rollup" (
	"measure" smallint NOT NULL,
	"deal_type" text NOT NULL,
	"hours" integer NOT NULL,
	"deals" integer NOT NULL,
	CONSTRAINT "deal_duration_rollup_measure_deal_type_hours_pk" PRIMARY KEY("measure","deal_type","hours")
);
--> statement-breakpoint
CREATE TABLE "deal_open_rollup" (
	"deal_type" text NOT NULL,
	"hour" integer NOT NULL,
	"deals" integer NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "deal_open_rollup_deal_type_hour_pk" PRIMARY KEY("deal_type","hour")
);
--> statement-breakpoint
CREATE TABLE "journey_reach_rollup" (
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"source" text NOT NULL,
	"campaign_id" text NOT NULL,
	"segment" text NOT NULL,
	"deal_type" text NOT NULL,
	"inquiries" integer NOT NULL,
	"qualified" integer NOT NULL,
	"converted" integer NOT NULL,
	"converted_cents" bigint NOT NULL,
	CONSTRAINT "journey_reach_rollup_grain_bucket_source_campaign_id_segment_deal_type_pk" PRIMARY KEY("grain","bucket","source","campaign_id","segment","deal_type")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "converted_amount_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "deal_close_rollup_empty_idx" ON "deal_close_rollup" USING btree ("day") WHERE deals = 0;--> statement-breakpoint
CREATE INDEX "deal_duration_rollup_empty_idx" ON "deal_duration_rollup" USING btree ("measure") WHERE deals = 0;--> statement-breakpoint
CREATE INDEX "deal_open_rollup_empty_idx" ON "deal_open_rollup" USING btree ("hour") WHERE deals = 0;--> statement-breakpoint
CREATE INDEX "journey_reach_rollup_empty_idx" ON "journey_reach_rollup" USING btree ("bucket") WHERE inquiries = 0;--> statement-breakpoint
CREATE INDEX "leads_qualification_idx" ON "leads" USING btree ("qualification_at");--> statement-breakpoint
CREATE INDEX "leads_conversion_idx" ON "leads" USING btree ("conversion_at");--> statement-breakpoint
CREATE INDEX "opportunities_lost_idx" ON "opportunities" USING btree ("lost_at");--> statement-breakpoint
CREATE INDEX "opportunities_irregular_idx" ON "opportunities" USING btree ("opportunity_id") WHERE "opportunities"."created_at" > "opportunities"."won_at" or "opportunities"."created_at" > "opportunities"."lost_at" or "opportunities"."lost_at" < "opportunities"."won_at";--> statement-breakpoint
CREATE INDEX "opportunities_open_created_idx" ON "opportunities" USING btree ("created_at") WHERE "opportunities"."won_at" is null and "opportunities"."lost_at" is null;--> statement-breakpoint
-- Hand-written: the new rollups start empty; the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
