import { sql } from 'drizzle-orm';
import { date, index, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { shardColumn } from './shard.ts';
import { spendMetricColumns } from './spend-metrics.ts';

/*
 * Readers read neither table below but the view `daily_spend` (migration 0014): one row shape per
 * (entity type, entity id, day, hour, api key, model, provider, shard), the stored per-entity rows
 * and the fact rows seen as the key, user, team, org, team member and proxy rows they stand for.
 * Readers always filter on entity_type, and Postgres then plans only the matching branches; several
 * rows may share a key (shards, rows from before 0014 beside facts), so readers sum.
 */

/**
 * Hourly aggregates stored per entity: (entity type, entity id, UTC day, UTC hour, api key, model,
 * provider, shard). The writer books tag and end-user rows here (an event has several tags, and
 * end users are not a function of the key); rows of every other entity type written before
 * migration 0014 stay here too and are read beside the facts. Summed over `hour` and `shard` they
 * are the daily aggregates; the hour is there so that days in any time zone whose offset is a whole
 * number of hours are exact sums of rows (see docs/decisions.md, "Aggregates by UTC hour"). Every
 * key column is NOT NULL with '' for "absent": NULLs are distinct in a unique index, which is how
 * LiteLLM ended up with a new "daily" row on every write (BerriAI/litellm#12892).
 */
export const dailySpendByEntity = pgTable(
  'daily_spend_by_entity',
  {
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** UTC hour of the day, 0–23. */
    hour: smallint('hour').notNull(),
    apiKey: text('api_key').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    /** Last in the key: every read by entity, day, key, model or provider is still a key prefix. */
    shard: shardColumn(),
    ...spendMetricColumns(),
  },
  (t) => [
    primaryKey({
      name: 'daily_spend_by_entity_pk',
      columns: [t.entityType, t.entityId, t.day, t.hour, t.apiKey, t.model, t.provider, t.shard],
    }),
    // `ledger reconcile --from/--to` reads whole UTC days of every entity (migration 0012). BRIN:
    // rows arrive in time order, so a day is a few block ranges, and an upsert costs next to nothing
    // (a b-tree on day would be one more index entry per new row).
    index('daily_spend_by_entity_day_brin').using('brin', t.day),
  ],
);

/**
 * The team_member entity id of a fact row, in SQL: contract's teamMemberId (`%` and `/` escaped in
 * each part). The view and the index below must use the same text for the planner to match them.
 */
const FACT_MEMBER_ID_SQL = `replace(replace(team_id, '%', '%25'), '/', '%2F') || '/' || replace(replace(user_id, '%', '%25'), '/', '%2F')`;

/**
 * One hourly fact row per (api key, UTC day, UTC hour, model, provider, user, team, org, shard):
 * the key, user, team, org, team member and proxy aggregates are all sums of these rows, filtered on
 * their column (docs/decisions.md, "Aggregates as fact rows"). A key belongs to one user, team and
 * org at a time, so one fact row replaces the six per-entity rows an event used to make; a key that
 * changes team simply starts new fact rows. '' is "absent" in every key column (see above).
 */
export const dailySpendFacts = pgTable(
  'daily_spend_facts',
  {
    apiKey: text('api_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    hour: smallint('hour').notNull(),
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    userId: text('user_id').notNull(),
    teamId: text('team_id').notNull(),
    orgId: text('org_id').notNull(),
    shard: shardColumn(),
    ...spendMetricColumns(),
  },
  (t) => [
    primaryKey({
      name: 'daily_spend_facts_pk',
      columns: [t.apiKey, t.day, t.hour, t.model, t.provider, t.userId, t.teamId, t.orgId, t.shard],
    }),
    // One index per entity column the API reads by, partial: most keys have no user, and the
    // view's branch for an entity type already says `<column> <> ''`, which implies the predicate.
    index('daily_spend_facts_user_day_idx').on(t.userId, t.day).where(sql`${t.userId} <> ''`),
    index('daily_spend_facts_team_day_idx').on(t.teamId, t.day).where(sql`${t.teamId} <> ''`),
    index('daily_spend_facts_org_day_idx').on(t.orgId, t.day).where(sql`${t.orgId} <> ''`),
    // Team members by id and by team prefix (a team token's members: starts_with(id, '<team>/'));
    // text_pattern_ops so the prefix is an index range under any collation.
    index('daily_spend_facts_member_day_idx')
      .using('btree', sql.raw(`(${FACT_MEMBER_ID_SQL}) text_pattern_ops`), t.day)
      .where(sql`${t.teamId} <> '' and ${t.userId} <> ''`),
    index('daily_spend_facts_day_brin').using('brin', t.day),
  ],
);
