-- Retention keeps synced creation syncs as the ledger behind "created once, forever": their payload and
-- attempts are purged and `pruned_at` is set, the row (integration, subject, event type, webhook-id,
-- completed_at) stays for the partial unique index to hold.
ALTER TABLE "integration_syncs" ADD COLUMN "pruned_at" timestamp with time zone;
