-- Leaner log-listing indexes on spend_logs (issue 11; docs/decisions.md "Leaner spend_logs indexes").
-- The keyset tiebreaker request_id leaves every b-tree: timestamps are microseconds, so ties are rare
-- and an incremental sort orders the few equal ones; each entry loses a text request_id (36+ bytes
-- for a UUID). Every entity filter of GET /v1/logs now has its (entity column, "timestamp") index,
-- end users included (their cut-hour correction and log filter scanned whole hours/days without
-- one). Hand-written order: the new indexes are built before the old ones go, so a reader is never
-- left without one. Partitioned indexes cannot be built CONCURRENTLY: each CREATE holds a SHARE lock
-- on spend_logs while it builds (writers wait, readers do not); run it with the writers stopped on a
-- large table (about a minute per index per 10M rows on a 2-core machine).
CREATE INDEX "spend_logs_end_user_time_idx" ON "spend_logs" USING btree ("end_user_id","timestamp") WHERE "end_user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "spend_logs_time_lean_idx" ON "spend_logs" USING btree ("timestamp");--> statement-breakpoint
CREATE INDEX "spend_logs_api_key_time_lean_idx" ON "spend_logs" USING btree ("api_key","timestamp");--> statement-breakpoint
CREATE INDEX "spend_logs_user_time_lean_idx" ON "spend_logs" USING btree ("user_id","timestamp") WHERE "user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "spend_logs_team_time_lean_idx" ON "spend_logs" USING btree ("team_id","timestamp") WHERE "team_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "spend_logs_org_time_lean_idx" ON "spend_logs" USING btree ("org_id","timestamp") WHERE "org_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX "spend_logs_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_api_key_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_user_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_team_time_idx";--> statement-breakpoint
DROP INDEX "spend_logs_org_time_idx";--> statement-breakpoint
-- The names the schema (and the benches) know them by. Renaming a partitioned index renames the
-- parent only; the partitions' own indexes keep generated names, as they always had.
ALTER INDEX "spend_logs_time_lean_idx" RENAME TO "spend_logs_time_idx";--> statement-breakpoint
ALTER INDEX "spend_logs_api_key_time_lean_idx" RENAME TO "spend_logs_api_key_time_idx";--> statement-breakpoint
ALTER INDEX "spend_logs_user_time_lean_idx" RENAME TO "spend_logs_user_time_idx";--> statement-breakpoint
ALTER INDEX "spend_logs_team_time_lean_idx" RENAME TO "spend_logs_team_time_idx";--> statement-breakpoint
ALTER INDEX "spend_logs_org_time_lean_idx" RENAME TO "spend_logs_org_time_idx";
--> statement-breakpoint
-- `ledger reconcile --from/--to` reads whole UTC days of daily_spend, whose key starts with the
-- entity: without an index on day it read the whole table for any range. BRIN: the writer appends
-- rows in time order, so a day is a few block ranges and the index costs next to nothing per row.
CREATE INDEX "daily_spend_day_brin" ON "daily_spend" USING brin ("day");
