CREATE TABLE "customer_cohort_rollup" (
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"cohort" smallint NOT NULL,
	"lost" smallint NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"customers" integer NOT NULL,
	CONSTRAINT "customer_cohort_rollup_dimension_value_grain_bucket_cohort_lost_pk" PRIMARY KEY("dimension","value","grain","bucket","cohort","lost")
);
--> statement-breakpoint
CREATE TABLE "customer_event_rollup" (
	"kind" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	"grain" text NOT NULL,
	"bucket" date NOT NULL,
	"since" date NOT NULL,
	"items" integer NOT NULL,
	"flagged" integer NOT NULL,
	"cents" bigint NOT NULL,
	CONSTRAINT "customer_event_rollup_kind_dimension_value_grain_bucket_reason_since_pk" PRIMARY KEY("kind","dimension","value","grain","bucket","reason","since")
);
--> statement-breakpoint
CREATE TABLE "customer_items" (
	"account_id" text NOT NULL,
	"family" text NOT NULL,
	"item_id" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone,
	"day" date NOT NULL,
	"prev_at" timestamp with time zone,
	"next_at" timestamp with time zone,
	"n" integer NOT NULL,
	"flagged" integer NOT NULL,
	"lost" integer,
	"cents" bigint NOT NULL,
	"cents_b" bigint NOT NULL,
	"cents_c" bigint NOT NULL,
	"cents_d" bigint NOT NULL,
	CONSTRAINT "customer_items_account_id_family_item_id_pk" PRIMARY KEY("account_id","family","item_id")
);
--> statement-breakpoint
CREATE TABLE "customer_retention_rollup" (
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"bucket" date NOT NULL,
	"accounts" integer NOT NULL,
	"starting_cents" bigint NOT NULL,
	"expansion_cents" bigint NOT NULL,
	"churned_cents" bigint NOT NULL,
	"churned_starting_cents" bigint NOT NULL,
	CONSTRAINT "customer_retention_rollup_dimension_value_bucket_pk" PRIMARY KEY("dimension","value","bucket")
);
--> statement-breakpoint
CREATE TABLE "customer_slices" (
	"account_id" text NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "customer_slices_account_id_dimension_value_pk" PRIMARY KEY("account_id","dimension","value")
);
--> statement-breakpoint
CREATE TABLE "customer_values" (
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"account_id" text NOT NULL,
	"won_cents" bigint NOT NULL,
	"renewal_cents" bigint NOT NULL,
	"expansion_cents" bigint NOT NULL,
	"lifetime_value_cents" bigint NOT NULL,
	CONSTRAINT "customer_values_dimension_value_account_id_pk" PRIMARY KEY("dimension","value","account_id")
);
--> statement-breakpoint
CREATE INDEX "customer_event_rollup_empty_idx" ON "customer_event_rollup" USING btree ("bucket") WHERE items = 0 and flagged = 0 and cents = 0;--> statement-breakpoint
CREATE INDEX "customer_items_day_idx" ON "customer_items" USING btree ("family","day");--> statement-breakpoint
CREATE INDEX "customer_items_at_idx" ON "customer_items" USING btree ("family","at");--> statement-breakpoint
CREATE INDEX "customer_slices_value_idx" ON "customer_slices" USING btree ("dimension","value","account_id");--> statement-breakpoint
CREATE INDEX "customer_values_order_idx" ON "customer_values" USING btree ("dimension","value","lifetime_value_cents" DESC NULLS LAST,"account_id");--> statement-breakpoint
CREATE INDEX "customer_values_account_idx" ON "customer_values" USING btree ("account_id");--> statement-breakpoint
-- Hand-written: the new rollups start empty; the projector's next chunk fills every rollup whole.
UPDATE "projector_state" SET "rollups" = 'refill';
