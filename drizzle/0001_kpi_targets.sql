CREATE TABLE "kpi_targets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"metric" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"period_kind" text NOT NULL,
	"period_start" date NOT NULL,
	"target_value" double precision NOT NULL,
	"quality_metric" text,
	"quality_min" double precision,
	"budget_cents" bigint,
	"accountable" text NOT NULL,
	"responsible" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"consulted" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"informed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" integer,
	"updated_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "kpi_targets_period_idx" ON "kpi_targets" USING btree ("period_start","accountable");