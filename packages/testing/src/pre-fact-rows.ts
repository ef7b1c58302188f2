import { type LedgerDb, METRIC_COLUMNS } from '@spend-ledger/ledger-db';
import { sql } from 'drizzle-orm';

const FACT_TYPES = sql`('key', 'user', 'team', 'org', 'team_member', 'proxy')`;
// The ledger's one metric list: a metric added to the schema is unfolded too.
const METRICS = sql.raw(METRIC_COLUMNS.join(', '));
const SUMS = sql.raw(METRIC_COLUMNS.map((m) => `sum(${m}) as ${m}`).join(', '));

/**
 * Puts the hourly aggregates into the shape they had before migration 0014: the fact rows become
 * the per-entity rows they stand for (key, user, team, org, team member, proxy) in
 * daily_spend_by_entity, and daily_spend_facts is emptied. Every reader sees the same figures
 * before and after (the view shows both tables). Tests of older migrations replay them on this
 * shape, with the table under its new name.
 */
export async function unfoldFactRows(db: LedgerDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`create temporary table unfolded on commit drop as
      select entity_type, entity_id, day, hour, api_key, model, provider, shard, ${SUMS}, max(updated_at) as updated_at
      from daily_spend where entity_type in ${FACT_TYPES} group by 1, 2, 3, 4, 5, 6, 7, 8`);
    await tx.execute(sql`delete from daily_spend_by_entity where entity_type in ${FACT_TYPES}`);
    await tx.execute(sql`delete from daily_spend_facts`);
    await tx.execute(sql`insert into daily_spend_by_entity
      (entity_type, entity_id, day, hour, api_key, model, provider, shard, ${METRICS}, updated_at)
      select * from unfolded`);
  });
}

/** A migration's text as it applies after 0014 renamed its table: daily_spend is daily_spend_by_entity. */
export const onRenamedDailySpend = (migration: string): string =>
  migration.replace(/\bdaily_spend\b(?!_)/g, 'daily_spend_by_entity');
