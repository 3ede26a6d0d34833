CREATE TABLE "attribution_contributions" (
	"opportunity_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"won_day" date NOT NULL,
	"segment" text NOT NULL,
	"deal_type" text NOT NULL,
	"source" text NOT NULL,
	"campaign_id" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"revenue_first_touch" bigint NOT NULL,
	"revenue_last_touch" bigint NOT NULL,
	"revenue_linear" bigint NOT NULL,
	"revenue_u_shaped" bigint NOT NULL,
	"revenue_w_shaped" bigint NOT NULL,
	"revenue_full_path" bigint NOT NULL,
	"revenue_time_decay" bigint NOT NULL,
	"influenced_first_touch" integer NOT NULL,
	"influenced_last_touch" integer NOT NULL,
	"influenced_linear" integer NOT NULL,
	"influenced_u_shaped" integer NOT NULL,
	"influenced_w_shaped" integer NOT NULL,
	"influenced_full_path" integer NOT NULL,
	"influenced_time_decay" integer NOT NULL,
	CONSTRAINT "attribution_contributions_opportunity_id_kind_key_pk" PRIMARY KEY("opportunity_id","kind","key")
);
--> statement-breakpoint
CREATE TABLE "attribution_rollup" (
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"segment" text NOT NULL,
	"deal_type" text NOT NULL,
	"source" text NOT NULL,
	"campaign_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"deals" integer NOT NULL,
	"amount_cents" bigint NOT NULL,
	"revenue_first_touch" bigint NOT NULL,
	"revenue_last_touch" bigint NOT NULL,
	"revenue_linear" bigint NOT NULL,
	"revenue_u_shaped" bigint NOT NULL,
	"revenue_w_shaped" bigint NOT NULL,
	"revenue_full_path" bigint NOT NULL,
	"revenue_time_decay" bigint NOT NULL,
	"influenced_first_touch" integer NOT NULL,
	"influenced_last_touch" integer NOT NULL,
	"influenced_linear" integer NOT NULL,
	"influenced_u_shaped" integer NOT NULL,
	"influenced_w_shaped" integer NOT NULL,
	"influenced_full_path" integer NOT NULL,
	"influenced_time_decay" integer NOT NULL,
	CONSTRAINT "attribution_rollup_grain_bucket_segment_deal_type_source_campaign_id_kind_key_pk" PRIMARY KEY("grain","bucket","segment","deal_type","source","campaign_id","kind","key")
);
--> statement-breakpoint
CREATE TABLE "journey_cohort_rollup" (
	"cohort" text NOT NULL,
	"source" text NOT NULL,
	"campaign_id" text NOT NULL,
	"segment" text NOT NULL,
	"deal_type" text NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"disqualified_reason" text NOT NULL,
	"journeys" integer NOT NULL,
	"awareness" integer NOT NULL,
	"inquiry" integer NOT NULL,
	"qualification" integer NOT NULL,
	"conversion" integer NOT NULL,
	"retention" integer NOT NULL,
	"expansion" integer NOT NULL,
	"advocacy" integer NOT NULL,
	"disqualified" integer NOT NULL,
	"followed_up" integer NOT NULL,
	"closed_unfollowed" integer NOT NULL,
	"won_revenue_cents" bigint NOT NULL,
	CONSTRAINT "journey_cohort_rollup_cohort_grain_bucket_source_campaign_id_segment_deal_type_disqualified_reason_pk" PRIMARY KEY("cohort","grain","bucket","source","campaign_id","segment","deal_type","disqualified_reason")
);
--> statement-breakpoint
CREATE TABLE "journey_duration_rollup" (
	"cohort" text NOT NULL,
	"source" text NOT NULL,
	"campaign_id" text NOT NULL,
	"segment" text NOT NULL,
	"deal_type" text NOT NULL,
	"measure" smallint NOT NULL,
	"minutes" integer NOT NULL,
	"day" date NOT NULL,
	"journeys" integer NOT NULL,
	CONSTRAINT "journey_duration_rollup_cohort_measure_minutes_day_source_campaign_id_segment_deal_type_pk" PRIMARY KEY("cohort","measure","minutes","day","source","campaign_id","segment","deal_type")
);
--> statement-breakpoint
CREATE TABLE "journey_duration_slot_rollup" (
	"cohort" text NOT NULL,
	"measure" smallint NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"slot" smallint NOT NULL,
	"journeys" integer NOT NULL,
	CONSTRAINT "journey_duration_slot_rollup_cohort_measure_dimension_value_grain_bucket_slot_pk" PRIMARY KEY("cohort","measure","dimension","value","grain","bucket","slot")
);
--> statement-breakpoint
CREATE TABLE "spend_rollup" (
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"campaign_id" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	CONSTRAINT "spend_rollup_grain_bucket_campaign_id_pk" PRIMARY KEY("grain","bucket","campaign_id")
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "segment" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "deal_type" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "won_revenue_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "projector_state" ADD COLUMN "rollups" text DEFAULT 'refill' NOT NULL;--> statement-breakpoint
CREATE INDEX "attribution_rollup_empty_idx" ON "attribution_rollup" USING btree ("bucket") WHERE deals = 0;--> statement-breakpoint
CREATE INDEX "journey_cohort_rollup_empty_idx" ON "journey_cohort_rollup" USING btree ("bucket") WHERE journeys = 0;--> statement-breakpoint
CREATE INDEX "journey_duration_rollup_empty_idx" ON "journey_duration_rollup" USING btree ("day") WHERE journeys = 0;--> statement-breakpoint
CREATE INDEX "journey_duration_slot_rollup_empty_idx" ON "journey_duration_slot_rollup" USING btree ("bucket") WHERE journeys = 0;