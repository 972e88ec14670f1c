-- 0007_audit_log was journalled with an earlier timestamp than 0006, and drizzle's migrator only applies
-- migrations newer than the newest one a database has recorded: a database migrated while 0006 was the
-- newest never got the audit log. The same statements, each only if its object is missing.
CREATE TABLE IF NOT EXISTS "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"target_label" text NOT NULL,
	"outcome" text NOT NULL,
	"message" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_log_action_check" CHECK ("audit_log"."action" in ('sync.resend', 'syncs.recover', 'integration.create', 'integration.update', 'integration.pause', 'integration.resume', 'integration.rotate_secret', 'notice.acknowledge', 'user.create', 'user.role_change', 'user.deactivate', 'user.reactivate', 'user.password_reset')),
	CONSTRAINT "audit_log_target_type_check" CHECK ("audit_log"."target_type" in ('sync', 'integration', 'user')),
	CONSTRAINT "audit_log_outcome_check" CHECK ("audit_log"."outcome" in ('succeeded', 'refused'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_action_at_idx" ON "audit_log" USING btree ("action","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_actor_at_idx" ON "audit_log" USING btree ("actor_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_log_target_at_idx" ON "audit_log" USING btree ("target_type","target_id","at" DESC NULLS LAST);