-- Indexes for the query API's per-request log listing (keyset pagination on ("timestamp", request_id),
-- newest first) and for the exact time-zone correction, which reads one entity's per-request rows in
-- the UTC hours that a local midnight cuts. Each entity column is followed by ("timestamp",
-- request_id) so that a filter plus the cursor is one index range, however deep the page.
-- Hand-written because the table's schema file belongs to the write path; see docs/query-api.md.
-- Each index costs the writer one index insert per event: measured in docs/decisions.md.
CREATE INDEX IF NOT EXISTS "spend_logs_time_idx" ON "spend_logs" ("timestamp", "request_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_api_key_time_idx" ON "spend_logs" ("api_key", "timestamp", "request_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_user_time_idx" ON "spend_logs" ("user_id", "timestamp", "request_id") WHERE "user_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_team_time_idx" ON "spend_logs" ("team_id", "timestamp", "request_id") WHERE "team_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_org_time_idx" ON "spend_logs" ("org_id", "timestamp", "request_id") WHERE "org_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "spend_logs_tags_idx" ON "spend_logs" USING gin ("tags");
