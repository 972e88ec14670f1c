-- 'skipped' was offered by filters and the chart but never written: a status no sync can reach goes.
UPDATE "integration_syncs" SET "status" = 'failed' WHERE "status" = 'skipped';--> statement-breakpoint
ALTER TYPE "public"."sync_status" RENAME TO "sync_status_old";--> statement-breakpoint
CREATE TYPE "public"."sync_status" AS ENUM('pending', 'synced', 'failed');--> statement-breakpoint
ALTER TABLE "integration_syncs" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "integration_syncs" ALTER COLUMN "status" TYPE "public"."sync_status" USING "status"::text::"public"."sync_status";--> statement-breakpoint
ALTER TABLE "integration_syncs" ALTER COLUMN "status" SET DEFAULT 'pending';--> statement-breakpoint
DROP TYPE "public"."sync_status_old";
