import type postgres from 'postgres';

/**
 * The naive baseline's own tables, shaped like LiteLLM's (a spend-log table keyed by request id, a
 * running spend per entity, a daily table per entity × day × key × model × provider). Kept apart
 * from the ledger's migrations so a schema change there cannot break or silently change the baseline.
 */
export async function createNaiveSchema(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    create table naive_spend_logs (
      request_id text primary key, "timestamp" timestamptz not null, day date not null, end_time timestamptz,
      api_key text not null, user_id text, team_id text, org_id text, end_user_id text,
      tags text[] not null default '{}', model text not null, model_group text, provider text,
      prompt_tokens integer not null, completion_tokens integer not null, spend numeric(38,12) not null,
      status text not null, metadata jsonb, ingested_at timestamptz not null default now());
    create index naive_spend_logs_day_idx on naive_spend_logs (day);
    create table naive_entity_spend (
      entity_type text not null, entity_id text not null, spend numeric(38,12) not null,
      prompt_tokens bigint not null, completion_tokens bigint not null, api_requests bigint not null,
      successful_requests bigint not null, failed_requests bigint not null,
      updated_at timestamptz not null default now(), primary key (entity_type, entity_id));
    create table naive_daily_spend (
      entity_type text not null, entity_id text not null, day date not null, api_key text not null,
      model text not null, provider text not null, spend numeric(38,12) not null,
      prompt_tokens bigint not null, completion_tokens bigint not null, api_requests bigint not null,
      successful_requests bigint not null, failed_requests bigint not null,
      updated_at timestamptz not null default now(),
      primary key (entity_type, entity_id, day, api_key, model, provider));`);
}
