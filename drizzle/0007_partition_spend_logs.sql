-- Per-request rows in native partitions, one per UTC day (issue 11; docs/decisions.md "Per-request
-- rows in day partitions"). Hand-written: drizzle-kit has no word for partitions. The snapshot
-- (meta/0007) records what drizzle-kit can see: spend_logs without its primary key and without
-- content_digest, and the new request_ids table.
--
-- Run it with the writers STOPPED: it copies every row of spend_logs into the partitioned table under
-- an ACCESS EXCLUSIVE lock (readers wait too), then builds the indexes of 0002 as partitioned indexes.
-- Time and space are those of copying the table once and building its indexes once; the old table is
-- dropped at the end, in the same transaction (a failure leaves everything as it was).
--
-- 1. The dedupe record moves to request_ids: Postgres cannot have a unique index on a partitioned
--    table that omits the partition key, and request_id must stay unique across all days (a reused
--    id on another day is a conflict, not a new event). It keeps the content digest for conflict
--    detection and the event's timestamp (its UTC day names the partition; (timestamp, request_id)
--    finds the row by index); spend_logs no longer carries the digest.
CREATE TABLE "request_ids" (
	"request_id" text PRIMARY KEY NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"content_digest" "bytea"
);
--> statement-breakpoint
INSERT INTO "request_ids" ("request_id", "timestamp", "content_digest")
  SELECT "request_id", "timestamp", "content_digest" FROM "spend_logs" ORDER BY "timestamp";
--> statement-breakpoint
ALTER TABLE "spend_logs" RENAME TO "spend_logs_unpartitioned";
--> statement-breakpoint
-- 2. The partitioned table: same columns (content_digest now lives in request_ids), partitioned by
--    range on "timestamp" (not on "day") so that every existing query, which bounds "timestamp",
--    prunes partitions. Each partition covers one UTC day, so "day" still names the partition.
CREATE TABLE "spend_logs" (
	"request_id" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"end_time" timestamp with time zone,
	"api_key" text NOT NULL,
	"user_id" text,
	"team_id" text,
	"org_id" text,
	"end_user_id" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"model" text NOT NULL,
	"model_group" text,
	"provider" text,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"cache_read_input_tokens" integer DEFAULT 0 NOT NULL,
	"cache_creation_input_tokens" integer DEFAULT 0 NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"status" text NOT NULL,
	"spend_source" text DEFAULT 'sender' NOT NULL,
	"metadata" jsonb,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
-- 3. The one way partitions are made: by the writer (ahead of time, and on demand when a window
--    holds a day without one) and by `ledger restore`, never by hand. Serialised by an advisory
--    lock so that concurrent writers cannot race on CREATE; a no-op when the partition exists.
CREATE OR REPLACE FUNCTION spend_ledger_ensure_spend_logs_partition(d date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'spend_logs_' || to_char(d, 'YYYYMMDD');
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('spend_ledger.spend_logs_partitions'));
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF spend_logs FOR VALUES FROM (%L) TO (%L)',
    part, d::text || ' 00:00:00+00', (d + 1)::text || ' 00:00:00+00');
  RETURN true;
END
$$;
--> statement-breakpoint
-- Drops one day's partition (retention, after archiving): the only way per-request rows are removed.
CREATE OR REPLACE FUNCTION spend_ledger_drop_spend_logs_partition(d date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'spend_logs_' || to_char(d, 'YYYYMMDD');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('spend_ledger.spend_logs_partitions'));
  IF to_regclass(quote_ident(part)) IS NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TABLE %I', part);
  RETURN true;
END
$$;
--> statement-breakpoint
SELECT spend_ledger_ensure_spend_logs_partition(d)
  FROM (SELECT DISTINCT ("timestamp" AT TIME ZONE 'UTC')::date AS d FROM "spend_logs_unpartitioned") days;
--> statement-breakpoint
INSERT INTO "spend_logs" ("request_id", "timestamp", "day", "end_time", "api_key", "user_id", "team_id",
    "org_id", "end_user_id", "tags", "model", "model_group", "provider", "prompt_tokens", "completion_tokens",
    "cache_read_input_tokens", "cache_creation_input_tokens", "spend", "status", "spend_source", "metadata",
    "ingested_at")
  SELECT "request_id", "timestamp", "day", "end_time", "api_key", "user_id", "team_id", "org_id",
    "end_user_id", "tags", "model", "model_group", "provider", "prompt_tokens", "completion_tokens",
    "cache_read_input_tokens", "cache_creation_input_tokens", "spend", "status", "spend_source", "metadata",
    "ingested_at"
  FROM "spend_logs_unpartitioned";
--> statement-breakpoint
DROP TABLE "spend_logs_unpartitioned";
--> statement-breakpoint
-- 4. The indexes of 0002, now partitioned indexes (each partition gets its own, created with it).
CREATE INDEX "spend_logs_time_idx" ON "spend_logs" ("timestamp", "request_id");
--> statement-breakpoint
CREATE INDEX "spend_logs_api_key_time_idx" ON "spend_logs" ("api_key", "timestamp", "request_id");
--> statement-breakpoint
CREATE INDEX "spend_logs_user_time_idx" ON "spend_logs" ("user_id", "timestamp", "request_id") WHERE "user_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "spend_logs_team_time_idx" ON "spend_logs" ("team_id", "timestamp", "request_id") WHERE "team_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "spend_logs_org_time_idx" ON "spend_logs" ("org_id", "timestamp", "request_id") WHERE "org_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "spend_logs_tags_idx" ON "spend_logs" USING gin ("tags");
