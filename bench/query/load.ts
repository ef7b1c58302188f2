import type postgres from 'postgres';

export interface LoadOptions {
  events: number;
  /** Days of traffic, ending on `lastDay` (inclusive). */
  days: number;
  lastDay: string;
  apiKeys: number;
}

/**
 * Per-request rows straight into spend_logs with INSERT … SELECT generate_series (no Kafka, no
 * writer), then the aggregates the write path would have built, in SQL. The population: api keys
 * drawn with a skew (key k ~ keys·u², a few keys carry most traffic), each owned by one user (keys/4),
 * team (50) and org (10); 30% of events name one of 20,000 end users; half carry a tag (one of 25,
 * 15% a second env tag); 12 models over 4 providers, each key using 3; 2% failures; spend with 12
 * decimals; timestamps uniform over the days and rising with request_id, so rows lie on disk in
 * time order as the writer leaves them (the aggregates too: by day and hour, then entity).
 */
export async function loadLedger(sql: postgres.Sql, o: LoadOptions, log: (m: string) => void): Promise<void> {
  await sql`set work_mem = '256MB'`;
  await sql`set maintenance_work_mem = '1GB'`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename = 'spend_logs' and indexname <> 'spend_logs_pkey'`;
  for (const i of indexes) await sql.unsafe(`drop index ${i.name}`);
  const chunk = 500_000;
  const start = `${o.lastDay}T00:00:00Z`;
  // spend_logs is partitioned by UTC day (migration 0007): the days' partitions first.
  await sql`select spend_ledger_ensure_spend_logs_partition(d::date)
    from generate_series(${o.lastDay}::date - ${o.days}::int, ${o.lastDay}::date, interval '1 day') d`;
  for (let from = 1; from <= o.events; from += chunk) {
    const to = Math.min(o.events, from + chunk - 1);
    await sql.unsafe(
      `insert into spend_logs (request_id, "timestamp", day, api_key, user_id, team_id, org_id, end_user_id, tags,
         model, provider, prompt_tokens, completion_tokens, spend, status)
       select 'bench-' || lpad(g::text, 9, '0'), ts, (ts at time zone 'UTC')::date, 'key-' || k,
         'user-' || (k % $3), 'team-' || (k % 50), 'org-' || (k % 10),
         case when r3 < 0.3 then 'eu-' || floor(r4 * 20000)::int end,
         case when r3 < 0.5 then '{}'::text[] when r3 < 0.85 then array['tag-' || (k % 25)]
           else array['tag-' || (k % 25), 'env-' || (g % 3)] end,
         'model-' || m, 'provider-' || (m % 4), (r4 * 4000)::int, (r3 * 800)::int,
         round((r2 * 0.05)::numeric, 12), case when r4 < 0.02 then 'failure' else 'success' end
       from (
         select g, timestamptz '${start}' - interval '${o.days - 1} days'
             + ((g - 1 + random()) / ${o.events} * ${o.days} * 86400) * interval '1 second' as ts,
           floor($4 * power(random(), 2))::int as k, random() as r2, random() as r3, random() as r4,
           random() as r5
         from generate_series($1::bigint, $2::bigint) g
       ) s, lateral (select ((k * 7 + floor(r5 * 3)::int) % 12) as m) mm`,
      [from, to, Math.max(1, Math.floor(o.apiKeys / 4)), o.apiKeys],
    );
    log(`spend_logs: ${to.toLocaleString('en-US')} rows`);
  }
  // The dedupe record the write path keeps beside each row (and getSpendLog reads).
  await sql`insert into request_ids (request_id, "timestamp") select request_id, "timestamp" from spend_logs`;
  for (const i of indexes) {
    await sql.unsafe(i.def);
    log(`index ${i.name} rebuilt`);
  }
  await sql.unsafe(BUILD_AGGREGATES);
  log('daily_spend (hourly), daily_rollup and entity_totals built from spend_logs');
  await sql`vacuum analyze`;
}

// The write path's entity mapping and sums (packages/ledger-db/src/write/aggregate.ts), in SQL, over everything at once.
const BUILD_AGGREGATES = `
  create temporary view booked as
    select 'key' as entity_type, api_key as entity_id, l.* from spend_logs l
    union all select 'user', user_id, l.* from spend_logs l where user_id is not null
    union all select 'end_user', end_user_id, l.* from spend_logs l where end_user_id is not null
    union all select 'team', team_id, l.* from spend_logs l where team_id is not null
    union all select 'team_member', replace(replace(team_id, '%', '%25'), '/', '%2F') || '/'
        || replace(replace(user_id, '%', '%25'), '/', '%2F'), l.* from spend_logs l
      where team_id is not null and user_id is not null
    union all select 'org', org_id, l.* from spend_logs l where org_id is not null
    union all select 'tag', tag, l.* from spend_logs l, unnest(l.tags) as tag
    union all select 'proxy', 'litellm-proxy-budget', l.* from spend_logs l;
  truncate daily_spend, daily_rollup, entity_totals;
  insert into daily_spend (entity_type, entity_id, day, hour, api_key, model, provider, prompt_tokens,
      completion_tokens, spend, api_requests, successful_requests, failed_requests)
    select entity_type, entity_id, day, extract(hour from "timestamp" at time zone 'UTC')::smallint, api_key,
      model, coalesce(provider, ''), sum(prompt_tokens), sum(completion_tokens), sum(spend), count(*),
      count(*) filter (where status = 'success'), count(*) filter (where status <> 'success')
    from booked group by 1, 2, 3, 4, 5, 6, 7
    order by 3, 4, 1, 2, 5, 6, 7;
  insert into daily_rollup (dimension, value, day, prompt_tokens, completion_tokens, spend, api_requests,
      successful_requests, failed_requests)
    select entity_type, entity_id, day, sum(prompt_tokens), sum(completion_tokens), sum(spend),
      sum(api_requests), sum(successful_requests), sum(failed_requests)
    from daily_spend group by 1, 2, 3
    union all
    select 'model', model, day, sum(prompt_tokens), sum(completion_tokens), sum(spend), sum(api_requests),
      sum(successful_requests), sum(failed_requests)
    from daily_spend where entity_type = 'key' group by 2, 3
    union all
    select 'provider', provider, day, sum(prompt_tokens), sum(completion_tokens), sum(spend),
      sum(api_requests), sum(successful_requests), sum(failed_requests)
    from daily_spend where entity_type = 'key' group by 2, 3
    order by 3, 1, 2;
  insert into entity_totals (entity_type, entity_id, prompt_tokens, completion_tokens, spend, api_requests,
      successful_requests, failed_requests)
    select dimension, value, sum(prompt_tokens), sum(completion_tokens), sum(spend), sum(api_requests),
      sum(successful_requests), sum(failed_requests)
    from daily_rollup where dimension not in ('model', 'provider') group by 1, 2;
  drop view booked;`;

/** Bytes of a table with its indexes, and its rows. */
export async function tableSizes(
  sql: postgres.Sql,
  tables: readonly string[],
): Promise<Array<{ table: string; rows: number; bytes: number }>> {
  const rows = await sql<{ table: string; rows: string; bytes: string }[]>`
    select relname as table, reltuples::bigint::text as rows, pg_total_relation_size(oid)::text as bytes
    from pg_class where relname in ${sql(tables as string[])} and relkind = 'r'`;
  return tables.map((t) => {
    const r = rows.find((x) => x.table === t);
    return { table: t, rows: Number(r?.rows ?? 0), bytes: Number(r?.bytes ?? 0) };
  });
}

/**
 * What daily_spend would hold at the UTC-day grain: built aside the way the writer builds tables (key
 * in place, rows arriving day by day), measured, dropped.
 */
export async function dailyGrainSize(sql: postgres.Sql): Promise<{ rows: number; bytes: number }> {
  await sql`set work_mem = '256MB'`;
  await sql.unsafe(`create unlogged table bench_daily_grain (like daily_spend including defaults)`);
  await sql.unsafe('alter table bench_daily_grain drop column hour');
  await sql.unsafe(
    'alter table bench_daily_grain add primary key (entity_type, entity_id, day, api_key, model, provider)',
  );
  await sql.unsafe(`insert into bench_daily_grain (entity_type, entity_id, day, api_key, model, provider,
      prompt_tokens, completion_tokens, spend, api_requests, successful_requests, failed_requests)
    select entity_type, entity_id, day, api_key, model, provider, sum(prompt_tokens), sum(completion_tokens),
      sum(spend), sum(api_requests), sum(successful_requests), sum(failed_requests)
    from daily_spend group by 1, 2, 3, 4, 5, 6 order by 3, 1, 2, 4, 5, 6`);
  await sql.unsafe('vacuum analyze bench_daily_grain');
  const [size] = await tableSizes(sql, ['bench_daily_grain']);
  await sql.unsafe('drop table bench_daily_grain');
  return { rows: size?.rows ?? 0, bytes: size?.bytes ?? 0 };
}
