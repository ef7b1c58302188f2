-- Aggregates as fact rows (issue 11; docs/decisions.md "Aggregates as fact rows"). The key, user,
-- team, org, team member and proxy aggregates were six hourly rows per event, each carrying the api
-- key, so they repeated one grain six times (~0.49 rows per event each on the bench workload). They
-- are now ONE row per (api key, day, hour, model, provider, user, team, org, shard) in
-- daily_spend_facts, with an index per entity column; tag and end-user rows stay per entity. The
-- old table is renamed daily_spend_by_entity and keeps every row written so far, of every type; the
-- view daily_spend shows both, in the old row shape, so readers and old rows need no change and no
-- data moves (the rename and the new empty table are catalog changes, instant at any size). Run it
-- with the writers stopped: an old writer's insert into daily_spend fails (a view) and is retried
-- until the writer is replaced.
ALTER TABLE "daily_spend" RENAME TO "daily_spend_by_entity";--> statement-breakpoint
ALTER TABLE "daily_spend_by_entity" RENAME CONSTRAINT "daily_spend_pk" TO "daily_spend_by_entity_pk";--> statement-breakpoint
ALTER INDEX "daily_spend_day_brin" RENAME TO "daily_spend_by_entity_day_brin";--> statement-breakpoint
CREATE TABLE "daily_spend_facts" (
	"api_key" text NOT NULL,
	"day" date NOT NULL,
	"hour" smallint NOT NULL,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"user_id" text NOT NULL,
	"team_id" text NOT NULL,
	"org_id" text NOT NULL,
	"shard" smallint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint NOT NULL,
	"completion_tokens" bigint NOT NULL,
	"cache_read_input_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_creation_input_tokens" bigint DEFAULT 0 NOT NULL,
	"spend" numeric(38, 12) NOT NULL,
	"api_requests" bigint NOT NULL,
	"successful_requests" bigint NOT NULL,
	"failed_requests" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_spend_facts_pk" PRIMARY KEY("api_key","day","hour","model","provider","user_id","team_id","org_id","shard")
);
--> statement-breakpoint
CREATE INDEX "daily_spend_facts_user_day_idx" ON "daily_spend_facts" USING btree ("user_id","day") WHERE "daily_spend_facts"."user_id" <> '';--> statement-breakpoint
CREATE INDEX "daily_spend_facts_team_day_idx" ON "daily_spend_facts" USING btree ("team_id","day") WHERE "daily_spend_facts"."team_id" <> '';--> statement-breakpoint
CREATE INDEX "daily_spend_facts_org_day_idx" ON "daily_spend_facts" USING btree ("org_id","day") WHERE "daily_spend_facts"."org_id" <> '';--> statement-breakpoint
CREATE INDEX "daily_spend_facts_member_day_idx" ON "daily_spend_facts" USING btree ((replace(replace(team_id, '%', '%25'), '/', '%2F') || '/' || replace(replace(user_id, '%', '%25'), '/', '%2F')) text_pattern_ops,"day") WHERE "daily_spend_facts"."team_id" <> '' and "daily_spend_facts"."user_id" <> '';--> statement-breakpoint
CREATE INDEX "daily_spend_facts_day_brin" ON "daily_spend_facts" USING brin ("day");--> statement-breakpoint
-- Every reader filters on entity_type, so Postgres keeps only the matching branches; a filter on
-- entity_id becomes a filter on the branch's column and uses its index. The proxy id is the
-- contract's PROXY_ENTITY_ID; the team-member id is the contract's teamMemberId, written as the
-- member index's expression so the planner matches them.
CREATE VIEW "daily_spend" AS
  SELECT entity_type, entity_id, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_by_entity"
  UNION ALL
  SELECT 'key'::text, api_key, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts" WHERE api_key <> ''
  UNION ALL
  SELECT 'user'::text, user_id, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts" WHERE user_id <> ''
  UNION ALL
  SELECT 'team'::text, team_id, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts" WHERE team_id <> ''
  UNION ALL
  SELECT 'org'::text, org_id, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts" WHERE org_id <> ''
  UNION ALL
  SELECT 'team_member'::text, replace(replace(team_id, '%', '%25'), '/', '%2F') || '/' || replace(replace(user_id, '%', '%25'), '/', '%2F'), day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts" WHERE team_id <> '' AND user_id <> ''
  UNION ALL
  SELECT 'proxy'::text, 'litellm-proxy-budget'::text, day, hour, api_key, model, provider, shard, prompt_tokens, completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests, updated_at
    FROM "daily_spend_facts";
