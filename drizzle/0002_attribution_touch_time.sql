ALTER TABLE "attribution_credits" ADD COLUMN "touch_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "attribution_credits" ADD COLUMN "touch_kind" text DEFAULT 'touch' NOT NULL;