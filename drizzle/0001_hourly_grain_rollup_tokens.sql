-- Aggregates by UTC hour, a daily roll-up for reports, and hashed query API tokens.
-- See docs/decisions.md, "Aggregates by UTC hour". Run with the writers stopped: an old writer's
-- upsert has no `hour` and fails (and is retried) until the writer is upgraded, so nothing is lost.
-- Existing aggregates cannot be split into hours; they are rebuilt exactly from spend_logs, the
-- per-request rows every aggregate is the sum of. The locks keep a running writer out meanwhile.
LOCK TABLE "spend_logs" IN SHARE MODE;
--> statement-breakpoint
LOCK TABLE "daily_spend" IN ACCESS EXCLUSIVE MODE;
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"scope_type" text NOT NULL,
	"scope_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_scope_check" CHECK (("api_tokens"."scope_type" = 'admin' and "api_tokens"."scope_id" is null) or ("api_tokens"."scope_type" in ('team', 'org', 'key') and "api_tokens"."scope_id" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_idx" ON "api_tokens" USING btree ("token_hash");
--> statement-breakpoint
-- Updated by every batch that touches a dimension value on a day: room on each page lets those
-- updates be HOT (no index entry per update).
CREATE TABLE "daily_rollup" (
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"day" date NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"api_requests" bigint NOT NULL,
	"successful_requests" bigint NOT NULL,
	"failed_requests" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_rollup_pk" PRIMARY KEY("dimension","value","day")
) WITH (fillfactor = 80);
--> statement-breakpoint
CREATE INDEX "daily_rollup_dimension_day_idx" ON "daily_rollup" USING btree ("dimension","day");
--> statement-breakpoint
-- The entity mapping of the write path (aggregate.ts), in SQL: key, user, end_user, team, org, each tag.
CREATE TEMPORARY VIEW "ledger_booked_events" AS
  SELECT 'key' AS entity_type, api_key AS entity_id, l.* FROM spend_logs l
  UNION ALL SELECT 'user', user_id, l.* FROM spend_logs l WHERE user_id IS NOT NULL
  UNION ALL SELECT 'end_user', end_user_id, l.* FROM spend_logs l WHERE end_user_id IS NOT NULL
  UNION ALL SELECT 'team', team_id, l.* FROM spend_logs l WHERE team_id IS NOT NULL
  UNION ALL SELECT 'org', org_id, l.* FROM spend_logs l WHERE org_id IS NOT NULL
  UNION ALL SELECT 'tag', tag, l.* FROM spend_logs l, unnest(l.tags) AS tag;
--> statement-breakpoint
TRUNCATE "daily_spend";
--> statement-breakpoint
ALTER TABLE "daily_spend" DROP CONSTRAINT "daily_spend_pk";
--> statement-breakpoint
ALTER TABLE "daily_spend" ADD COLUMN "hour" smallint NOT NULL;
--> statement-breakpoint
ALTER TABLE "daily_spend" ADD CONSTRAINT "daily_spend_pk" PRIMARY KEY("entity_type","entity_id","day","hour","api_key","model","provider");
--> statement-breakpoint
INSERT INTO "daily_spend" (entity_type, entity_id, day, hour, api_key, model, provider, prompt_tokens,
    completion_tokens, spend, api_requests, successful_requests, failed_requests)
  SELECT entity_type, entity_id, day, extract(hour FROM "timestamp" AT TIME ZONE 'UTC')::smallint, api_key,
    model, coalesce(provider, ''), sum(prompt_tokens), sum(completion_tokens), sum(spend), count(*),
    count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success')
  FROM ledger_booked_events GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
INSERT INTO "daily_rollup" (dimension, value, day, prompt_tokens, completion_tokens, spend, api_requests,
    successful_requests, failed_requests)
  SELECT dimension, value, day, sum(prompt_tokens), sum(completion_tokens), sum(spend), count(*),
    count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success')
  FROM (
    SELECT entity_type AS dimension, entity_id AS value, day, prompt_tokens, completion_tokens, spend, status
      FROM ledger_booked_events
    UNION ALL SELECT 'model', model, day, prompt_tokens, completion_tokens, spend, status FROM spend_logs
    UNION ALL SELECT 'provider', coalesce(provider, ''), day, prompt_tokens, completion_tokens, spend, status
      FROM spend_logs
  ) booked
  GROUP BY 1, 2, 3;
--> statement-breakpoint
DROP VIEW "ledger_booked_events";
