import type { SpendEvent } from '@spend-ledger/contract';
import { entitiesOf } from '@spend-ledger/ledger-db';
import type postgres from 'postgres';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { type LedgerCheck, verifyLedger } from '../lib/verify-ledger.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';

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
 * proxy worker would; the same schema, workload and Postgres as the real writer.
 */
export async function measureNaiveBaseline(
  suffix: string,
  sampleEvents: number,
  expectedEvents: number,
): Promise<NaiveResult> {
  const database = await createBenchDatabase(`naive_${suffix}`);
  const generator = new SpendEventGenerator({ ...DEFAULT_WORKLOAD, expectedEvents });
  try {
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
      check: await verifyLedger(database.sql, generator.stats),
    };
  } finally {
    await database.drop();
  }
}

async function writeOne(sql: postgres.Sql, e: SpendEvent): Promise<number> {
  return sql.begin(async (tx) => {
    const inserted = await tx`
      insert into spend_logs (request_id, "timestamp", day, end_time, api_key, user_id, team_id, org_id,
        end_user_id, tags, model, model_group, provider, prompt_tokens, completion_tokens, spend, status, metadata)
      values (${e.request_id}, ${e.timestamp}, ${e.timestamp.slice(0, 10)}, ${e.end_time}, ${e.api_key},
        ${e.user_id}, ${e.team_id}, ${e.org_id}, ${e.end_user_id}, ${e.tags}, ${e.model}, ${e.model_group},
        ${e.provider}, ${e.prompt_tokens}, ${e.completion_tokens}, ${e.spend}, ${e.status},
        ${e.metadata === null ? null : tx.json(e.metadata as postgres.JSONValue)})
      on conflict (request_id) do nothing returning request_id`;
    if (inserted.length === 0) return 1;
    const ok = e.status === 'success' ? 1 : 0;
    const entities = entitiesOf(e).sort(([a, x], [b, y]) => (a + x < b + y ? -1 : 1));
    for (const [type, id] of entities) {
      await tx`
        insert into entity_totals as t (entity_type, entity_id, prompt_tokens, completion_tokens, spend,
          api_requests, successful_requests, failed_requests)
        values (${type}, ${id}, ${e.prompt_tokens}, ${e.completion_tokens}, ${e.spend}, 1, ${ok}, ${1 - ok})
        on conflict (entity_type, entity_id) do update set
          prompt_tokens = t.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = t.completion_tokens + excluded.completion_tokens,
          spend = t.spend + excluded.spend, api_requests = t.api_requests + 1,
          successful_requests = t.successful_requests + excluded.successful_requests,
          failed_requests = t.failed_requests + excluded.failed_requests, updated_at = now()`;
      await tx`
        insert into daily_spend as d (entity_type, entity_id, day, api_key, model, provider, prompt_tokens,
          completion_tokens, spend, api_requests, successful_requests, failed_requests)
        values (${type}, ${id}, ${e.timestamp.slice(0, 10)}, ${e.api_key}, ${e.model}, ${e.provider ?? ''},
          ${e.prompt_tokens}, ${e.completion_tokens}, ${e.spend}, 1, ${ok}, ${1 - ok})
        on conflict (entity_type, entity_id, day, api_key, model, provider) do update set
          prompt_tokens = d.prompt_tokens + excluded.prompt_tokens,
          completion_tokens = d.completion_tokens + excluded.completion_tokens,
          spend = d.spend + excluded.spend, api_requests = d.api_requests + 1,
          successful_requests = d.successful_requests + excluded.successful_requests,
          failed_requests = d.failed_requests + excluded.failed_requests, updated_at = now()`;
    }
    return 1 + entities.length * 2;
  });
}
