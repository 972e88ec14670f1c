CREATE TABLE "notices" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"integration_id" integer,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	"emailed_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_id" text,
	"acknowledged_by_name" text
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "auto_pause_streak" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "auto_pause_streak_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_acknowledged_by_id_users_id_fk" FOREIGN KEY ("acknowledged_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notices_open_idx" ON "notices" USING btree ("created_at" DESC NULLS LAST) WHERE "notices"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "notices_undispatched_idx" ON "notices" USING btree ("created_at") WHERE "notices"."dispatched_at" is null;--> statement-breakpoint
CREATE INDEX "notices_integration_idx" ON "notices" USING btree ("integration_id","created_at" DESC NULLS LAST);--> statement-breakpoint
-- An active integration's streak so far counts towards the automatic pause.
UPDATE "integrations" SET "auto_pause_streak" = "failed_attempts_in_a_row", "auto_pause_streak_since" = "failing_since" WHERE "active";
