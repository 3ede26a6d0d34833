-- Touches get the key that places them on a cluster: the contactId the sender named, else the
-- anonymousId; the primary key includes it (a distributed table's keys carry its distribution column).
ALTER TABLE "touches" ADD COLUMN "visitor_id" text;--> statement-breakpoint
UPDATE "touches" SET "visitor_id" = coalesce("contact_id", "anonymous_id");--> statement-breakpoint
ALTER TABLE "touches" ALTER COLUMN "visitor_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "touches" DROP CONSTRAINT "touches_pkey";--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_visitor_id_event_pk_pk" PRIMARY KEY("visitor_id","event_pk");
