ALTER TABLE "integration_syncs" RENAME COLUMN "content_type" TO "subject_type";--> statement-breakpoint
ALTER TABLE "integration_syncs" RENAME COLUMN "object_id" TO "subject_id";--> statement-breakpoint
ALTER TABLE "integration_syncs" RENAME COLUMN "claimed_by" TO "lease_holder";--> statement-breakpoint
ALTER TABLE "integration_syncs" RENAME COLUMN "claimed_until" TO "lease_expires_at";
