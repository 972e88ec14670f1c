ALTER TABLE "integrations" ADD COLUMN "failed_attempts_in_a_row" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "last_success_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "last_failure_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "last_failure_status" integer;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "last_failure_error" text;--> statement-breakpoint
-- Backfill from the attempts so far: the streak since each integration's last successful attempt.
WITH a AS (
  SELECT s.integration_id, a.started_at, a.response_status, a.error_message,
    coalesce(a.response_status BETWEEN 200 AND 299, false) AS ok
  FROM "sync_attempts" a JOIN "integration_syncs" s ON s.id = a.sync_id
), last_ok AS (
  SELECT integration_id, max(started_at) AS at FROM a WHERE ok GROUP BY integration_id
), streak AS (
  SELECT a.integration_id, count(*)::int AS n, min(a.started_at) AS since
  FROM a LEFT JOIN last_ok l USING (integration_id)
  WHERE NOT a.ok AND a.started_at > coalesce(l.at, '-infinity'::timestamptz)
  GROUP BY a.integration_id
), last_failure AS (
  SELECT DISTINCT ON (integration_id) integration_id, started_at, response_status, error_message
  FROM a WHERE NOT ok ORDER BY integration_id, started_at DESC
)
UPDATE "integrations" i SET
  "last_success_at" = (SELECT at FROM last_ok WHERE integration_id = i.id),
  "failed_attempts_in_a_row" = coalesce((SELECT n FROM streak WHERE integration_id = i.id), 0),
  "failing_since" = (SELECT since FROM streak WHERE integration_id = i.id),
  "last_failure_at" = (SELECT started_at FROM last_failure WHERE integration_id = i.id),
  "last_failure_status" = (SELECT response_status FROM last_failure WHERE integration_id = i.id),
  "last_failure_error" = (SELECT error_message FROM last_failure WHERE integration_id = i.id);
