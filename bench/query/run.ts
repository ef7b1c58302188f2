/**
 * Query API benchmark: `npm run bench:query [-- --events 5000000 --days 60 --iterations 60 --reuse]`.
 *
 * Loads N per-request rows and their aggregates into a database of its own (ledger_bench_query,
 * dropped and rebuilt unless --reuse finds one loaded with the same options), then times requests
 * through the query app in this process (app.request: routing, validation, auth, SQL, JSON; no
 * socket) and prints p50/p95 per request, with the storage of each table. Each timed request picks
 * its entity at random from those the population has, so one hot row set does not flatter it.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLedgerDb, dropDatabase, ensureDatabase, migrateLedger } from '@spend-ledger/ledger-db';
import { createLogger, createMetricsRegistry } from '@spend-ledger/platform';
import postgres from 'postgres';
import { createQueryApp } from '../../services/query-api/src/app.ts';
import { encodeCursor } from '../../services/query-api/src/cursor.ts';
import { QUERY_SESSION_SETTINGS } from '../../services/query-api/src/start-query-api.ts';
import { dailyGrainSize, loadLedger, tableSizes } from './load.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string' },
    quick: { type: 'boolean', default: false },
    days: { type: 'string', default: '60' },
    'api-keys': { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '60' },
    reuse: { type: 'boolean', default: false },
    'daily-grain': { type: 'boolean', default: false },
    // Days of aggregates built at once while loading (not part of the options a --reuse matches).
    'load-workers': { type: 'string', default: '2' },
    // Only the requests whose name starts with this (e.g. "logs"), for a quick look.
    only: { type: 'string' },
  },
});
const options = {
  events: Number(values.events ?? (values.quick ? 1_000_000 : 50_000_000)),
  days: Number(values.days),
  lastDay: '2026-11-29',
  apiKeys: Number(values['api-keys']),
};
const ITERATIONS = Number(values.iterations);
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const URL_ = `${SERVER}/${process.env.BENCH_QUERY_DATABASE ?? 'ledger_bench_query'}`;
const TOKEN = 'bench-query-admin-token-0123456789';
const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

async function loadedWith(sql: postgres.Sql): Promise<string | undefined> {
  const found = await sql`select to_regclass('bench_meta') is not null as ok`;
  if (!found[0]?.ok) return undefined;
  return (await sql<{ options: string }[]>`select options from bench_meta`)[0]?.options;
}

const wanted = JSON.stringify(options);
await ensureDatabase(URL_);
let sql = postgres(URL_, { max: 2, onnotice: () => {} });
if (!values.reuse || (await loadedWith(sql)) !== wanted) {
  await sql.end();
  log(`(re)creating ledger_bench_query: ${wanted}`);
  await dropDatabase(URL_);
  await ensureDatabase(URL_);
  const migrating = createLedgerDb(URL_, { maxConnections: 1 });
  await migrateLedger(migrating.db);
  await migrating.close();
  const workers = Number(values['load-workers']);
  sql = postgres(URL_, { max: Math.max(2, workers), onnotice: () => {} });
  const started = performance.now();
  await loadLedger(sql, { ...options, workers }, log);
  await sql`create table bench_meta (options text not null)`;
  await sql`insert into bench_meta values (${wanted})`;
  log(`loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} else {
  // Migrations newer than the load (an index added or changed) are applied to the loaded rows.
  const migrating = createLedgerDb(URL_, { maxConnections: 1 });
  await migrateLedger(migrating.db);
  await migrating.close();
  log('reusing the loaded ledger_bench_query');
}

// The query API's own pool settings (start-query-api.ts).
const ledger = createLedgerDb(URL_, {
  maxConnections: 4,
  applicationName: 'spend-ledger-bench-query',
  settings: QUERY_SESSION_SETTINGS,
});
const app = createQueryApp({
  db: ledger.db,
  queryTokens: [TOKEN],
  log: createLogger({ service: 'bench-query', level: 'silent' }),
  registry: createMetricsRegistry('bench-query'),
  maxRangeDays: 366,
});

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;
const teams = Array.from({ length: 50 }, (_, i) => `team-${i}`);
const orgs = Array.from({ length: 10 }, (_, i) => `org-${i}`);
const keys = Array.from({ length: 50 }, (_, i) => `key-${i * 7}`);
// A key's owner is user-(k % (keys / 4)) (load.ts): these users have traffic.
const users = Array.from(
  { length: 50 },
  (_, i) => `user-${(i * 7) % Math.max(1, Math.floor(options.apiKeys / 4))}`,
);
const endUser = () => `eu-${Math.floor(Math.random() * 20_000)}`;
const tag = () => `tag-${Math.floor(Math.random() * 25)}`;
const month = 'from=2026-10-31&to=2026-11-29';
/** A day 50 days back, for "old days" pages: start_time/end_time bound the listing to it. */
const oldDay = 'start_time=2026-10-10T00:00:00Z&end_time=2026-10-11T00:00:00Z';

async function request(path: string): Promise<unknown> {
  const res = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
}

/** The log filters of GET /v1/logs, one per entity type it filters by: query parameter and SQL. */
const LOG_FILTERS = {
  key: { param: 'api_key', column: 'api_key', value: () => pick(keys) },
  user: { param: 'user_id', column: 'user_id', value: () => pick(users) },
  end_user: { param: 'end_user_id', column: 'end_user_id', value: endUser },
  team: { param: 'team_id', column: 'team_id', value: () => pick(teams) },
  org: { param: 'org_id', column: 'org_id', value: () => pick(orgs) },
  tag: { param: 'tag', column: 'tags', value: tag },
} as const;
type LogFilter = keyof typeof LOG_FILTERS;

/**
 * A cursor 45 days deep: the API's own encoding of the newest row older than 45 days before the last
 * day, so the timed page is the one a client reaches by paging that far (a cursor is only a position).
 */
async function deepCursor(filter?: LogFilter, value?: string): Promise<string> {
  const f = filter ? LOG_FILTERS[filter] : undefined;
  const where =
    f && value !== undefined
      ? f.column === 'tags'
        ? sql`tags @> array[${value}]::text[]`
        : sql`${sql(f.column)} = ${value}`
      : sql`true`;
  const rows = await sql<{ ts: string; id: string }[]>`
    select to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts, request_id as id
    from spend_logs where ${where}
      and "timestamp" < ${`${options.lastDay}T00:00:00Z`}::timestamptz - interval '45 days'
      and "timestamp" >= ${`${options.lastDay}T00:00:00Z`}::timestamptz - interval '52 days'
    order by "timestamp" desc, request_id desc limit 1`;
  const r = rows[0];
  return r ? encodeCursor({ timestamp: r.ts, requestId: r.id }) : '';
}

/** Which target of issue 11 a request counts toward. */
type Target = 'logs' | 'activity' | 'report';
const TARGETS: Record<Target, { label: string; p95: number }> = {
  logs: { label: 'a logs page (GET /v1/logs) at any depth, p95 under 50 ms', p95: 50 },
  activity: { label: 'a 30-day activity with breakdown, p95 under 100 ms', p95: 100 },
  report: { label: 'a top-spenders report over 30 days, p95 under 200 ms', p95: 200 },
};

const logCases = (Object.keys(LOG_FILTERS) as LogFilter[]).flatMap((filter) => {
  const f = LOG_FILTERS[filter];
  return [
    {
      name: `logs ${filter}, first page`,
      target: 'logs' as const,
      path: () => `/v1/logs?${f.param}=${f.value()}&limit=100`,
    },
    {
      name: `logs ${filter}, page 45 days deep (cursor)`,
      target: 'logs' as const,
      path: async () => {
        const value = f.value();
        return `/v1/logs?${f.param}=${value}&limit=100&cursor=${await deepCursor(filter, value)}`;
      },
    },
    {
      name: `logs ${filter}, a day 50 days back`,
      target: 'logs' as const,
      path: () => `/v1/logs?${f.param}=${f.value()}&limit=100&${oldDay}`,
    },
  ];
});

const cases: Array<{ name: string; target?: Target; path: () => string | Promise<string> }> = [
  { name: 'activity team 30 d (UTC)', path: () => `/v1/spend/team/${pick(teams)}/activity?${month}` },
  {
    name: 'activity team 30 d + breakdown (UTC)',
    target: 'activity',
    path: () => `/v1/spend/team/${pick(teams)}/activity?${month}&breakdown=true`,
  },
  {
    name: 'activity team 30 d + breakdown, America/New_York',
    target: 'activity',
    path: () => `/v1/spend/team/${pick(teams)}/activity?${month}&breakdown=true&timezone=America/New_York`,
  },
  {
    name: 'activity team 30 d + breakdown, Asia/Kolkata',
    target: 'activity',
    path: () => `/v1/spend/team/${pick(teams)}/activity?${month}&breakdown=true&timezone=Asia/Kolkata`,
  },
  {
    name: 'activity key 30 d + breakdown (UTC)',
    target: 'activity',
    path: () => `/v1/spend/key/${pick(keys)}/activity?${month}&breakdown=true`,
  },
  { name: 'activity org 30 d (UTC)', path: () => `/v1/spend/org/${pick(orgs)}/activity?${month}` },
  {
    name: 'activity org 30 d + breakdown (UTC)',
    target: 'activity',
    path: () => `/v1/spend/org/${pick(orgs)}/activity?${month}&breakdown=true`,
  },
  {
    name: 'activity org 30 d + breakdown, Asia/Kolkata',
    target: 'activity',
    path: () => `/v1/spend/org/${pick(orgs)}/activity?${month}&breakdown=true&timezone=Asia/Kolkata`,
  },
  {
    name: 'report top 20 teams 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=team&${month}&limit=20`,
  },
  {
    name: 'report top 20 keys 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=key&${month}&limit=20`,
  },
  {
    name: 'report top 20 users 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=user&${month}&limit=20`,
  },
  {
    name: 'report top 20 end users 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=end_user&${month}&limit=20`,
  },
  {
    name: 'report top 20 models 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=model&${month}&limit=20`,
  },
  {
    name: 'report top 20 teams 30 d, Asia/Kolkata',
    target: 'report',
    path: () => `/v1/report?group_by=team&${month}&limit=20&timezone=Asia/Kolkata`,
  },
  {
    name: 'report top 20 keys 30 d, America/New_York',
    target: 'report',
    path: () => `/v1/report?group_by=key&${month}&limit=20&timezone=America/New_York`,
  },
  {
    name: 'report keys inside a team 30 d (UTC)',
    target: 'report',
    path: () => `/v1/report?group_by=key&entity_type=team&entity_id=${pick(teams)}&${month}`,
  },
  { name: 'totals of a key', path: () => `/v1/spend/key/${pick(keys)}` },
  { name: 'logs unfiltered, newest 100', target: 'logs', path: () => '/v1/logs?limit=100' },
  {
    name: 'logs unfiltered, page 45 days deep (cursor)',
    target: 'logs',
    path: async () => `/v1/logs?limit=100&cursor=${await deepCursor()}`,
  },
  { name: 'logs unfiltered, a day 50 days back', target: 'logs', path: () => `/v1/logs?limit=100&${oldDay}` },
  ...logCases,
  {
    name: 'logs key + model + status',
    target: 'logs',
    path: () => `/v1/logs?api_key=${pick(keys)}&model=model-0&status=success`,
  },
  {
    name: 'one log by request_id',
    path: () => `/v1/logs/bench-${String(1 + Math.floor(Math.random() * options.events)).padStart(9, '0')}`,
  },
  {
    name: 'CSV activity team 30 d + breakdown',
    path: () => `/v1/spend/team/${pick(teams)}/activity?${month}&breakdown=true&format=csv`,
  },
];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;

const loadBefore = loadavg()[0] as number;
const results: Array<{ name: string; target?: Target; p50: number; p95: number; max: number }> = [];
for (const c of cases.filter((x) => !values.only || x.name.startsWith(values.only))) {
  for (let i = 0; i < 3; i++) await request(await c.path());
  const ms: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const path = await c.path();
    const started = performance.now();
    await request(path);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  results.push({
    name: c.name,
    ...(c.target ? { target: c.target } : {}),
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    max: ms[ms.length - 1] as number,
  });
  log(`${c.name}: p50 ${quantile(ms, 0.5).toFixed(1)} ms`);
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
console.log(`# Query API benchmark — ${new Date().toISOString()}`);
console.log(
  `\n${options.events.toLocaleString('en-US')} per-request rows over ${options.days} days to ${options.lastDay}, ${options.apiKeys} api keys; ${ITERATIONS} requests per line after 3 warm-ups, in process (app.request); ${availableParallelism()} cores, load average ${loadBefore.toFixed(1)} before and ${(loadavg()[0] as number).toFixed(1)} after the timed requests.\n`,
);
console.log('| request | target | p50 ms | p95 ms | max ms |\n| --- | --- | ---: | ---: | ---: |');
for (const r of results) {
  const target = r.target
    ? `p95 < ${TARGETS[r.target].p95} ms: ${r.p95 < TARGETS[r.target].p95 ? 'met' : 'NOT met'}`
    : '';
  console.log(`| ${r.name} | ${target} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`);
}
console.log(
  '\n| target (issue 11) | requests | worst p50 ms | worst p95 ms | met |\n| --- | ---: | ---: | ---: | --- |',
);
for (const [key, t] of Object.entries(TARGETS) as Array<[Target, (typeof TARGETS)[Target]]>) {
  const mine = results.filter((r) => r.target === key);
  if (mine.length === 0) continue;
  const worst95 = Math.max(...mine.map((r) => r.p95));
  const worst50 = Math.max(...mine.map((r) => r.p50));
  const missed = mine.filter((r) => r.p95 >= t.p95).length;
  console.log(
    `| ${t.label} | ${mine.length} | ${worst50.toFixed(1)} | ${worst95.toFixed(1)} | ${missed === 0 ? 'met' : `NOT met (${missed} of ${mine.length})`} |`,
  );
}
const sizes = await tableSizes(sql, [
  'spend_logs',
  'daily_spend_facts',
  'daily_spend_by_entity',
  'daily_rollup',
  'entity_totals',
  'api_tokens',
]);
const daily = values['daily-grain'] ? await dailyGrainSize(sql) : undefined;
console.log('\n| table | rows | size with indexes | of which indexes |\n| --- | ---: | ---: | ---: |');
for (const s of sizes)
  console.log(`| ${s.table} | ${s.rows.toLocaleString('en-US')} | ${mb(s.bytes)} | ${mb(s.indexBytes)} |`);
const indexes = await sql<{ name: string; bytes: string }[]>`
  select i.relname as name, sum(pg_relation_size(p.relid))::text as bytes
  from pg_class i cross join lateral pg_partition_tree(i.oid) p
  where i.relkind = 'I' and i.relname like 'spend_logs%' group by 1 order by 1`;
console.log('\n| spend_logs index | size |\n| --- | ---: |');
for (const i of indexes) console.log(`| ${i.name} | ${mb(Number(i.bytes))} |`);
if (daily)
  console.log(
    `| (daily_spend at the UTC-day grain, for comparison) | ${daily.rows.toLocaleString('en-US')} | ${mb(daily.bytes)} |`,
  );
await ledger.close();
await sql.end();
