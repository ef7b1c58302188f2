import type postgres from 'postgres';

export interface LoadOptions {
  events: number;
  /** Days of traffic, ending on `lastDay` (inclusive). */
  days: number;
  lastDay: string;
  apiKeys: number;
  /** Connections building the aggregates' days at once (the sql pool needs at least as many). */
  workers?: number;
}

/**
 * Per-request rows straight into spend_logs with INSERT … SELECT generate_series (no Kafka, no
 * writer; server-side, so nothing crosses the socket), then the aggregates the write path would have
 * built, in SQL. The population: api keys drawn with a skew (key k ~ keys·u², a few keys carry most
 * traffic), each owned by one user (keys/4), team (50) and org (10); 30% of events name one of 20,000
 * end users; half carry a tag (one of 25, 15% a second env tag); 12 models over 4 providers, each key
 * using 3; 2% failures; spend with 12 decimals; timestamps uniform over the days and rising with
 * request_id, so rows lie on disk in time order as the writer leaves them (the aggregates too: by day
 * and hour, then entity).
 *
 * Built for 50M rows on 2 cores: every index and key of the tables it fills (spend_logs,
 * request_ids, the two daily_spend tables, daily_rollup, entity_totals) is dropped first and rebuilt by one sort
 * each at the end, from the definitions the migrations left (so whatever keys a later migration
 * gives these tables, the load follows); the aggregates are built one UTC day at a time (one
 * partition read, a day's groups in memory), `workers` days at once, printed with rate and time
 * left.
 */
export async function loadLedger(sql: postgres.Sql, o: LoadOptions, log: (m: string) => void): Promise<void> {
  await sql`set work_mem = '512MB'`;
  await sql`set maintenance_work_mem = '1GB'`;
  const tables = [
    'spend_logs',
    'request_ids',
    'daily_spend_facts',
    'daily_spend_by_entity',
    'daily_rollup',
    'entity_totals',
  ];
  const dropped = await dropKeysAndIndexes(sql, tables);
  const start = `${o.lastDay}T00:00:00Z`;
  // spend_logs is partitioned by UTC day (migration 0007): the days' partitions first.
  await sql`select spend_ledger_ensure_spend_logs_partition(d::date)
    from generate_series(${o.lastDay}::date - ${o.days}::int, ${o.lastDay}::date, interval '1 day') d`;
  const chunk = 1_000_000;
  const logRows = progress('spend_logs', o.events, log);
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
    logRows(to);
  }
  // The dedupe record the write path keeps beside each row (and getSpendLog reads).
  await sql`insert into request_ids (request_id, "timestamp") select request_id, "timestamp" from spend_logs`;
  log('request_ids filled');
  const days = await sql<{ day: string }[]>`
    select d::date::text as day from generate_series(${o.lastDay}::date - ${o.days - 1}::int, ${o.lastDay}::date,
      interval '1 day') d`;
  const dayDone = progress('aggregates (days)', days.length, log);
  // Days are independent: `workers` connections take the next day until none is left.
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < days.length; i = next++) {
      const day = (days[i] as { day: string }).day;
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local work_mem = '512MB'`);
        await tx.unsafe(buildDay(day));
      });
      dayDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 1) }, worker));
  await sql.unsafe(BUILD_TOTALS);
  log('entity_totals built');
  for (const statement of dropped) {
    const started = performance.now();
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local maintenance_work_mem = '1GB'`);
      await tx.unsafe(statement);
    });
    log(`${statement.slice(0, 90)}… ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await sql`vacuum analyze`;
  log('vacuum analyze done');
}

/** Logs "what: n of total, rate/s, time left" at most every 20 s (and at the end). */
function progress(what: string, total: number, log: (m: string) => void): (done: number) => void {
  const started = performance.now();
  let last = 0;
  return (done) => {
    const now = performance.now();
    if (done < total && now - last < 20_000) return;
    last = now;
    const rate = done / ((now - started) / 1000);
    const left = rate > 0 ? (total - done) / rate : 0;
    log(
      `${what}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}, ${rate.toFixed(1)}/s, ` +
        `${Math.round(left)} s left`,
    );
  };
}

/**
 * Drops the primary keys and indexes of these tables (partitioned ones included: their partitions'
 * go with them) and returns the statements that rebuild them, keys first.
 */
async function dropKeysAndIndexes(sql: postgres.Sql, tables: readonly string[]): Promise<string[]> {
  const keys = await sql<{ table: string; name: string; def: string }[]>`
    select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def
    from pg_constraint c where c.contype in ('p', 'u') and c.conrelid::regclass::text in ${sql(tables as string[])}
      and c.conparentid = 0`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.tablename in ${sql(tables as string[])} and i.schemaname = current_schema()
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const k of keys) await sql.unsafe(`alter table ${k.table} drop constraint ${k.name}`);
  for (const i of indexes) await sql.unsafe(`drop index ${i.name}`);
  return [
    ...keys.map((k) => `alter table ${k.table} add constraint ${k.name} ${k.def}`),
    // pg_indexes shows a partitioned table's index as CREATE INDEX … ON ONLY (the parent alone,
    // invalid until each partition's is attached); without ONLY it is built on every partition.
    ...indexes.map((i) => i.def.replace(' ON ONLY ', ' ON ')),
  ];
}

const METRICS = `prompt_tokens, completion_tokens, spend, api_requests, successful_requests, failed_requests`;
const SUMS = `sum(prompt_tokens), sum(completion_tokens), sum(spend), sum(api_requests), sum(successful_requests),
  sum(failed_requests)`;

/**
 * One UTC day of aggregates, from that day's partition alone: the write path's entity mapping and
 * sums (packages/ledger-db/src/write/aggregate.ts), in SQL. To hash fewer rows, the day's events are
 * first summed per (hour, api key, user, team, org, model, provider) — the entities every event has at
 * most one of — and each entity's rows are projected from those sums; end users and tags, which
 * barely collapse, are summed from the events. The day's hourly rows go to a temporary table, which
 * daily_rollup (entities, models and providers) is then summed from.
 */
export const buildDay = (day: string) => {
  const logs = `spend_logs where "timestamp" >= '${day}T00:00:00Z'
    and "timestamp" < '${day}T00:00:00Z'::timestamptz + interval '1 day'`;
  const hour = `extract(hour from "timestamp" at time zone 'UTC')::smallint`;
  const figures = `sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
    sum(spend) as spend, count(*) as api_requests, count(*) filter (where status = 'success') as successful_requests,
    count(*) filter (where status <> 'success') as failed_requests`;
  const member = `replace(replace(team_id, '%', '%25'), '/', '%2F') || '/' || replace(replace(user_id, '%', '%25'), '/', '%2F')`;
  return `
  create temporary table day_facts on commit drop as
    select ${hour} as hour, api_key, user_id, team_id, org_id, model, coalesce(provider, '') as provider, ${figures}
    from ${logs} group by 1, 2, 3, 4, 5, 6, 7;
  insert into daily_spend_facts (api_key, day, hour, model, provider, user_id, team_id, org_id, ${METRICS})
    select api_key, '${day}'::date, hour, model, provider, coalesce(user_id, ''), coalesce(team_id, ''),
      coalesce(org_id, ''), ${METRICS}
    from day_facts order by api_key, hour, model, provider;
  create temporary table day_hourly on commit drop as
  with base as materialized (select * from day_facts), booked as (
    select 'key' as entity_type, api_key as entity_id, b.* from base b
    union all select 'user', user_id, b.* from base b where user_id is not null
    union all select 'team', team_id, b.* from base b where team_id is not null
    union all select 'team_member', ${member}, b.* from base b where team_id is not null and user_id is not null
    union all select 'org', org_id, b.* from base b where org_id is not null
    union all select 'proxy', 'litellm-proxy-budget', b.* from base b
  )
  select entity_type, entity_id, '${day}'::date as day, hour, api_key, model, provider, ${SUMS.replaceAll(/sum\((\w+)\)/g, 'sum($1) as $1')}
  from booked group by 1, 2, 4, 5, 6, 7
  union all
  select 'end_user', end_user_id, '${day}'::date, ${hour}, api_key, model, coalesce(provider, ''), ${figures}
  from ${logs} and end_user_id is not null group by 2, 4, 5, 6, 7
  union all
  select 'tag', tag, '${day}'::date, ${hour}, api_key, model, coalesce(provider, ''), ${figures}
  from ${logs.replace('spend_logs', 'spend_logs, unnest(tags) as tag')} group by 2, 4, 5, 6, 7;
  insert into daily_spend_by_entity (entity_type, entity_id, day, hour, api_key, model, provider, ${METRICS})
    select entity_type, entity_id, day, hour, api_key, model, provider, ${METRICS} from day_hourly
    where entity_type in ('end_user', 'tag')
    order by hour, entity_type, entity_id, api_key, model, provider;
  insert into daily_rollup (dimension, value, day, ${METRICS})
    select * from (
      select entity_type, entity_id, day, ${SUMS} from day_hourly group by 1, 2, 3
      union all
      select 'model', model, day, ${SUMS} from day_hourly where entity_type = 'key' group by 2, 3
      union all
      select 'provider', provider, day, ${SUMS} from day_hourly where entity_type = 'key' group by 2, 3
    ) r order by 1, 2;`;
};

const BUILD_TOTALS = `
  insert into entity_totals (entity_type, entity_id, ${METRICS})
    select dimension, value, ${SUMS}
    from daily_rollup where dimension not in ('model', 'provider') group by 1, 2`;

/** Bytes of a table with its indexes (a partitioned table: summed over its partitions), and its rows. */
export async function tableSizes(
  sql: postgres.Sql,
  tables: readonly string[],
): Promise<Array<{ table: string; rows: number; bytes: number; indexBytes: number }>> {
  const rows = await sql<{ table: string; rows: string; bytes: string; index_bytes: string }[]>`
    select t.relname as table, sum(greatest(c.reltuples, 0))::bigint::text as rows,
      sum(pg_total_relation_size(p.relid))::text as bytes, sum(pg_indexes_size(p.relid))::text as index_bytes
    from pg_class t
      cross join lateral (select relid from pg_partition_tree(t.oid) where isleaf union select t.oid) p
      join pg_class c on c.oid = p.relid
    where t.relname in ${sql(tables as string[])} and t.relkind in ('r', 'p') and c.relkind = 'r'
    group by t.relname`;
  return tables.map((t) => {
    const r = rows.find((x) => x.table === t);
    return {
      table: t,
      rows: Number(r?.rows ?? 0),
      bytes: Number(r?.bytes ?? 0),
      indexBytes: Number(r?.index_bytes ?? 0),
    };
  });
}

/**
 * What daily_spend would hold at the UTC-day grain: built aside the way the writer builds tables (key
 * in place, rows arriving day by day), measured, dropped.
 */
export async function dailyGrainSize(sql: postgres.Sql): Promise<{ rows: number; bytes: number }> {
  await sql`set work_mem = '256MB'`;
  await sql.unsafe(`create unlogged table bench_daily_grain (like daily_spend_by_entity including defaults)`);
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
