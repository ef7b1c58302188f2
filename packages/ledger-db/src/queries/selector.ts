import type { EntityType } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';

export interface EntityRef {
  entityType: EntityType;
  entityId: string;
}

/**
 * Which aggregate rows a query reads: one entity's rows, optionally narrowed to one api key, model
 * or provider (provider '' is "absent"). A token scoped to team T reading key K reads team T's rows
 * narrowed to api key K: the spend of K inside T, exactly.
 */
export interface AggregateSelector extends EntityRef {
  apiKey?: string;
  model?: string;
  provider?: string;
}

/** True when the selector is a whole entity, which the roll-up and entity_totals can answer. */
export const isWholeEntity = (s: AggregateSelector): boolean =>
  s.apiKey === undefined && s.model === undefined && s.provider === undefined;

/** `daily_spend` predicate for a selector (alias `d`). */
export function dailySpendWhere(s: AggregateSelector): SQL {
  const parts = [sql`d.entity_type = ${s.entityType}`, sql`d.entity_id = ${s.entityId}`];
  if (s.apiKey !== undefined) parts.push(sql`d.api_key = ${s.apiKey}`);
  if (s.model !== undefined) parts.push(sql`d.model = ${s.model}`);
  if (s.provider !== undefined) parts.push(sql`d.provider = ${s.provider}`);
  return sql.join(parts, sql` and `);
}

/** The spend_logs column holding an entity type's id; tags are an array. */
const LOG_COLUMN: Record<Exclude<EntityType, 'tag'>, string> = {
  key: 'api_key',
  user: 'user_id',
  end_user: 'end_user_id',
  team: 'team_id',
  org: 'org_id',
};

/** `spend_logs` predicate (alias `l`) for the events a selector's aggregate rows were built from. */
export function spendLogsWhere(s: AggregateSelector): SQL {
  const parts = [
    s.entityType === 'tag'
      ? sql`l.tags @> array[${s.entityId}]::text[]`
      : sql`${sql.raw(`l.${LOG_COLUMN[s.entityType]}`)} = ${s.entityId}`,
  ];
  if (s.apiKey !== undefined) parts.push(sql`l.api_key = ${s.apiKey}`);
  if (s.model !== undefined) parts.push(sql`l.model = ${s.model}`);
  if (s.provider !== undefined) parts.push(sql`coalesce(l.provider, '') = ${s.provider}`);
  return sql.join(parts, sql` and `);
}
