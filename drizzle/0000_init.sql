CREATE TABLE "account_events" (
	"event_pk" bigint PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount_cents" bigint,
	"reason" text,
	"advocacy_kind" text,
	"contact_id" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"account_id" text PRIMARY KEY NOT NULL,
	"name" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"churned_at" timestamp with time zone,
	"churn_reason" text
);
--> statement-breakpoint
CREATE TABLE "api_key_windows" (
	"api_key_id" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "api_key_windows_api_key_id_window_start_pk" PRIMARY KEY("api_key_id","window_start")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"department" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"rate_per_minute" integer DEFAULT 600 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "attribution_credits" (
	"opportunity_id" text NOT NULL,
	"model" text NOT NULL,
	"touch_ref" text NOT NULL,
	"channel" text NOT NULL,
	"campaign_id" text,
	"won_at" timestamp with time zone NOT NULL,
	"credit_cents" bigint NOT NULL,
	CONSTRAINT "attribution_credits_opportunity_id_model_touch_ref_pk" PRIMARY KEY("opportunity_id","model","touch_ref")
);
--> statement-breakpoint
CREATE TABLE "campaign_spend" (
	"event_pk" bigint PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"spend_date" date NOT NULL,
	"amount_cents" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"campaign_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"budget_cents" bigint,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "capacity" (
	"week" text PRIMARY KEY NOT NULL,
	"week_start" date NOT NULL,
	"slots" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"api_key_id" integer NOT NULL,
	"department" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"entity_key" text NOT NULL,
	"account_id" text,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_links" (
	"anonymous_id" text PRIMARY KEY NOT NULL,
	"contact_id" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"contact_id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"email" text,
	"name" text,
	"company" text,
	"declared_source" text,
	"campaign_id" text,
	"anonymous_id" text,
	"source" text NOT NULL,
	"journey_account_id" text,
	"converted_opportunity_id" text,
	"first_follow_up_at" timestamp with time zone,
	"follow_up_owner_id" text,
	"disqualified_at" timestamp with time zone,
	"disqualified_reason" text,
	"awareness_at" timestamp with time zone,
	"inquiry_at" timestamp with time zone,
	"qualification_at" timestamp with time zone,
	"conversion_at" timestamp with time zone,
	"retention_at" timestamp with time zone,
	"expansion_at" timestamp with time zone,
	"advocacy_at" timestamp with time zone,
	"stage" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "onboardings" (
	"opportunity_id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "opportunities" (
	"opportunity_id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"contact_id" text,
	"deal_type" text,
	"stage" text,
	"amount_cents" bigint,
	"created_at" timestamp with time zone,
	"expected_close_at" timestamp with time zone,
	"status" text NOT NULL,
	"won_at" timestamp with time zone,
	"lost_at" timestamp with time zone,
	"lost_reason" text
);
--> statement-breakpoint
CREATE TABLE "rejected_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"api_key_id" integer,
	"department" text NOT NULL,
	"batch_index" integer,
	"event_id" text,
	"type" text,
	"raw" jsonb,
	"raw_text" text,
	"status" smallint NOT NULL,
	"errors" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone,
	"replayed_event_pk" bigint
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"ticket_id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"contact_id" text,
	"category" text,
	"priority" text,
	"opened_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"csat" smallint
);
--> statement-breakpoint
CREATE TABLE "touches" (
	"event_pk" bigint PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"contact_id" text,
	"anonymous_id" text,
	"resolved_contact_id" text,
	"channel" text NOT NULL,
	"campaign_id" text,
	"touch_type" text NOT NULL,
	"url" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"department" text NOT NULL,
	"password_hash" text,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE INDEX "account_events_account_idx" ON "account_events" USING btree ("account_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "account_events_contact_idx" ON "account_events" USING btree ("contact_id") WHERE "account_events"."contact_id" is not null;--> statement-breakpoint
CREATE INDEX "account_events_time_idx" ON "account_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "attribution_credits_won_idx" ON "attribution_credits" USING btree ("model","won_at");--> statement-breakpoint
CREATE INDEX "campaign_spend_date_idx" ON "campaign_spend" USING btree ("spend_date","campaign_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_key_event_uq" ON "events" USING btree ("api_key_id","event_id");--> statement-breakpoint
CREATE INDEX "events_entity_idx" ON "events" USING btree ("entity_key","type");--> statement-breakpoint
CREATE INDEX "events_account_idx" ON "events" USING btree ("account_id") WHERE "events"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "events_anonymous_idx" ON "events" USING btree (("data"->>'anonymousId')) WHERE "events"."type" = 'lead.created' and "events"."data"->>'anonymousId' is not null;--> statement-breakpoint
CREATE INDEX "identity_links_contact_idx" ON "identity_links" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "leads_inquiry_idx" ON "leads" USING btree ("inquiry_at");--> statement-breakpoint
CREATE INDEX "leads_awareness_idx" ON "leads" USING btree ("awareness_at");--> statement-breakpoint
CREATE INDEX "leads_source_idx" ON "leads" USING btree ("source","inquiry_at");--> statement-breakpoint
CREATE INDEX "leads_campaign_idx" ON "leads" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "leads_journey_account_idx" ON "leads" USING btree ("journey_account_id");--> statement-breakpoint
CREATE INDEX "leads_account_idx" ON "leads" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "onboardings_started_idx" ON "onboardings" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "opportunities_contact_idx" ON "opportunities" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "opportunities_account_idx" ON "opportunities" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "opportunities_won_idx" ON "opportunities" USING btree ("won_at");--> statement-breakpoint
CREATE INDEX "opportunities_status_idx" ON "opportunities" USING btree ("status","deal_type");--> statement-breakpoint
CREATE INDEX "rejected_events_key_idx" ON "rejected_events" USING btree ("api_key_id","received_at");--> statement-breakpoint
CREATE INDEX "tickets_account_idx" ON "tickets" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "tickets_opened_idx" ON "tickets" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "touches_contact_idx" ON "touches" USING btree ("resolved_contact_id","occurred_at");--> statement-breakpoint
CREATE INDEX "touches_anonymous_idx" ON "touches" USING btree ("anonymous_id") WHERE "touches"."anonymous_id" is not null;--> statement-breakpoint
CREATE INDEX "touches_time_idx" ON "touches" USING btree ("occurred_at");