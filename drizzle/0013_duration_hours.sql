CREATE TABLE "journey_duration_hour_rollup" (
	"cohort" text NOT NULL,
	"measure" smallint NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"slot" smallint NOT NULL,
	"bucket" date NOT NULL,
	"hour" integer NOT NULL,
	"journeys" integer NOT NULL,
	CONSTRAINT "journey_duration_hour_rollup_cohort_measure_dimension_value_slot_bucket_hour_pk" PRIMARY KEY("cohort","measure","dimension","value","slot","bucket","hour")
);
--> statement-breakpoint
CREATE INDEX "journey_duration_hour_rollup_empty_idx" ON "journey_duration_hour_rollup" USING btree ("bucket") WHERE journeys = 0;--> statement-breakpoint
CREATE INDEX "journey_duration_rollup_day_idx" ON "journey_duration_rollup" USING btree ("cohort","measure","day","minutes");--> statement-breakpoint
-- Hand-written: the new rollup starts empty; the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
