ALTER TABLE "integration_syncs" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "integration_syncs" ADD COLUMN "claimed_until" timestamp with time zone;