DROP INDEX "accounts_name_idx";--> statement-breakpoint
DROP INDEX "leads_inquiry_idx";--> statement-breakpoint
DROP INDEX "leads_awareness_idx";--> statement-breakpoint
DROP INDEX "opportunities_won_idx";--> statement-breakpoint
CREATE INDEX "accounts_first_seen_idx" ON "accounts" USING btree ("first_seen_at","account_id");--> statement-breakpoint
CREATE INDEX "leads_follow_up_open_idx" ON "leads" USING btree ("inquiry_at","contact_id") WHERE "leads"."first_follow_up_at" is null and "leads"."disqualified_at" is null;--> statement-breakpoint
CREATE INDEX "tickets_open_idx" ON "tickets" USING btree ("opened_at","ticket_id") WHERE "tickets"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "accounts_name_idx" ON "accounts" USING btree (coalesce("name", "account_id"),"account_id");--> statement-breakpoint
CREATE INDEX "leads_inquiry_idx" ON "leads" USING btree ("inquiry_at","contact_id");--> statement-breakpoint
CREATE INDEX "leads_awareness_idx" ON "leads" USING btree ("awareness_at","contact_id");--> statement-breakpoint
CREATE INDEX "opportunities_won_idx" ON "opportunities" USING btree ("won_at","opportunity_id");