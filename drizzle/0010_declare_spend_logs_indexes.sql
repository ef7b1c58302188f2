-- The log listing's indexes now declared in schema/spend-logs.ts, so that schema, snapshot and
-- database agree. They exist since 0002 (rebuilt as partitioned indexes by 0007): IF NOT EXISTS
-- makes this a no-op on every database migrated so far.
CREATE INDEX IF NOT EXISTS "spend_logs_time_idx" ON "spend_logs" USING btree ("timestamp","request_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_api_key_time_idx" ON "spend_logs" USING btree ("api_key","timestamp","request_id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_user_time_idx" ON "spend_logs" USING btree ("user_id","timestamp","request_id") WHERE "user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_team_time_idx" ON "spend_logs" USING btree ("team_id","timestamp","request_id") WHERE "team_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_org_time_idx" ON "spend_logs" USING btree ("org_id","timestamp","request_id") WHERE "org_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_tags_idx" ON "spend_logs" USING gin ("tags");