import { formatSpend, type SpendEvent } from '@spend-ledger/contract';
import type postgres from 'postgres';
import { createBenchDatabase } from '../lib/bench-db.ts';
import type { LedgerCheck } from '../lib/verify-ledger.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator, type WorkloadTotals } from '../workload/spend-events.ts';
import { createNaiveSchema } from './naive-schema.ts';

export interface NaiveResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  statementsPerEvent: number;
  check: LedgerCheck;
}

/**
 * What an in-process proxy writer does per event (LiteLLM's spend-update path without its batching):
 * one transaction per event that inserts the per-request row and, if it was new, increments each
 * entity's running total and upserts each entity's daily row. Sequential on one connection, as one
 * proxy worker would; the same workload and Postgres as the real writer.
 */
export async function measureNaiveBaseline(
  suffix: string,
  sampleEvents: number,
  expectedEvents: number,
): Promise<NaiveResult> {
  const database = await createBenchDatabase(`naive_${suffix}`, { migrate: false });
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents });
  try {
    await createNaiveSchema(database.sql);
    const events = generator.take(sampleEvents);
    let statements = 0;
    const started = performance.now();
    for (const event of events) statements += await writeOne(database.sql, event);
    const seconds = (performance.now() - started) / 1000;
    return {
      events: sampleEvents,
      seconds,
      eventsPerSecond: sampleEvents / seconds,
      statementsPerEvent: statements / sampleEvents,
      check: await verifyNaive(database.sql, generator.stats),
    };
  } finally {
    await database.drop();
  }
}

/** The entities an event is booked against: key, user, end user, team, org, each tag. */
const entitiesOf = (e: SpendEvent): Array<[string, string]> =>
  (
    [
      ['key', e.api_key],
      ['user', e.user_id],
      ['end_user', e.end_user_id],
      ['team', e.team_id],
      ['org', e.org_id],
      ...e.tags.map((t) => ['tag', t]),
    ] as Array<[string, string | null]>
  ).filter((x): x is [string, string] => x[1] !== null);

async function writeOne(sql: postgres.Sql, e: SpendEvent): Promise<number> {
  return sql.begin(async (tx) => {
    const day = e.timestamp.slice(0, 10);
    const inserted = await tx`
      insert into naive_spend_logs (request_id, "timestamp", day, end_time, api_key, user_id, team_id, org_id,
        end_user_id, tags, model, model_group, provider, prompt_tokens, completion_tokens, spend, status, metadata)
      values (${e.request_id}, ${e.timestamp}, ${day}, ${e.end_time}, ${e.api_key},
        ${e.user_id}, ${e.team_id}, ${e.org_id}, ${e.end_user_id}, ${e.tags}, ${e.model}, ${e.model_group},
        ${e.provider}, ${e.prompt_tokens}, ${e.completion_tokens}, ${e.spend}, ${e.status},
        ${e.metadata === null ? null : tx.json(e.metadata as postgres.JSONValue)})
      on conflict (request_id) do nothing returning request_id`;
    if (inserted.length === 0) return 1;
    const ok = e.status === 'success' ? 1 : 0;
    const entities = entitiesOf(e);
    for (const [type, id] of entities) {
      await tx`
        insert into naive_entity_spend as t (entity_type, entity_id, spend, prompt_tokens, completion_tokens,
          api_requests, successful_requests, failed_requests)
        values (${type}, ${id}, ${e.spend}, ${e.prompt_tokens}, ${e.completion_tokens}, 1, ${ok}, ${1 - ok})
        on conflict (entity_type, entity_id) do update set spend = t.spend + excluded.spend,
          prompt_tokens = t.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = t.completion_tokens + excluded.completion_tokens, api_requests = t.api_requests + 1,
          successful_requests = t.successful_requests + excluded.successful_requests,
          failed_requests = t.failed_requests + excluded.failed_requests, updated_at = now()`;
      await tx`
        insert into naive_daily_spend as d (entity_type, entity_id, day, api_key, model, provider, spend,
          prompt_tokens, completion_tokens, api_requests, successful_requests, failed_requests)
        values (${type}, ${id}, ${day}, ${e.api_key}, ${e.model}, ${e.provider ?? ''}, ${e.spend},
          ${e.prompt_tokens}, ${e.completion_tokens}, 1, ${ok}, ${1 - ok})
        on conflict (entity_type, entity_id, day, api_key, model, provider) do update set
          spend = d.spend + excluded.spend, prompt_tokens = d.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = d.completion_tokens + excluded.completion_tokens, api_requests = d.api_requests + 1,
          successful_requests = d.successful_requests + excluded.successful_requests,
          failed_requests = d.failed_requests + excluded.failed_requests, updated_at = now()`;
    }
    return 1 + entities.length * 2;
  });
}

/** The baseline must be right too: rows = unique events, and key totals = daily = logs = expected. */
async function verifyNaive(sql: postgres.Sql, expected: WorkloadTotals): Promise<LedgerCheck> {
  const want = formatSpend(expected.spendUnits);
  const [row] = await sql<{ n: string; logs: string; totals: string; daily: string }[]>`
    select (select count(*) from naive_spend_logs)::text as n,
      (select coalesce(sum(spend), 0) from naive_spend_logs)::numeric(38,12)::text as logs,
      (select coalesce(sum(spend), 0) from naive_entity_spend where entity_type = 'key')::numeric(38,12)::text as totals,
      (select coalesce(sum(spend), 0) from naive_daily_spend where entity_type = 'key')::numeric(38,12)::text as daily`;
  const problems: string[] = [];
  if (Number(row!.n) !== expected.unique) problems.push(`${row!.n} rows, want ${expected.unique}`);
  for (const k of ['logs', 'totals', 'daily'] as const) {
    if (row![k] !== want) problems.push(`${k} spend ${row![k]}, want ${want}`);
  }
  return { ok: problems.length === 0, problems };
}
