-- Backfill of the two entity types added in 0005 (team_member, proxy) for the events already in the
-- ledger: their aggregates are rebuilt exactly from spend_logs, which every aggregate is the sum of.
-- Events written before 0005 have no cache tokens (0). Run with the writers stopped, as for 0001: a
-- writer of the previous version writing meanwhile would add events without these two entities,
-- which `ledger reconcile` would then report. The team_member id is written exactly as
-- teamMemberId() (packages/contract/src/entity-type.ts) writes it: '%' and '/' escaped in each part.
LOCK TABLE spend_logs IN SHARE MODE;
--> statement-breakpoint
CREATE TEMPORARY TABLE backfill_booked ON COMMIT DROP AS
SELECT 'team_member'::text AS entity_type,
    replace(replace(team_id, '%', '%25'), '/', '%2F') || '/' || replace(replace(user_id, '%', '%25'), '/', '%2F') AS entity_id,
    "timestamp", day, api_key, model, coalesce(provider, '') AS provider, prompt_tokens, completion_tokens,
    cache_read_input_tokens, cache_creation_input_tokens, spend, status
  FROM spend_logs WHERE team_id IS NOT NULL AND user_id IS NOT NULL
UNION ALL
SELECT 'proxy', 'litellm-proxy-budget', "timestamp", day, api_key, model, coalesce(provider, ''), prompt_tokens,
    completion_tokens, cache_read_input_tokens, cache_creation_input_tokens, spend, status
  FROM spend_logs;
--> statement-breakpoint
INSERT INTO daily_spend (entity_type, entity_id, day, hour, api_key, model, provider, prompt_tokens, completion_tokens,
    cache_read_input_tokens, cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests)
SELECT entity_type, entity_id, day, extract(hour FROM "timestamp" AT TIME ZONE 'UTC')::smallint, api_key, model, provider,
    sum(prompt_tokens), sum(completion_tokens), sum(cache_read_input_tokens), sum(cache_creation_input_tokens), sum(spend),
    count(*), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status <> 'success')
  FROM backfill_booked GROUP BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO daily_rollup (dimension, value, day, prompt_tokens, completion_tokens, cache_read_input_tokens,
    cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests)
SELECT entity_type, entity_id, day, sum(prompt_tokens), sum(completion_tokens), sum(cache_read_input_tokens),
    sum(cache_creation_input_tokens), sum(spend), count(*), count(*) FILTER (WHERE status = 'success'),
    count(*) FILTER (WHERE status <> 'success')
  FROM backfill_booked GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO entity_totals (entity_type, entity_id, prompt_tokens, completion_tokens, cache_read_input_tokens,
    cache_creation_input_tokens, spend, api_requests, successful_requests, failed_requests)
SELECT entity_type, entity_id, sum(prompt_tokens), sum(completion_tokens), sum(cache_read_input_tokens),
    sum(cache_creation_input_tokens), sum(spend), count(*), count(*) FILTER (WHERE status = 'success'),
    count(*) FILTER (WHERE status <> 'success')
  FROM backfill_booked GROUP BY 1, 2
ON CONFLICT DO NOTHING;
