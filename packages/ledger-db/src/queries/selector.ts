import { type EntityType, PROXY_ENTITY_ID, parseTeamMemberId } from '@spend-ledger/contract';
import { type SQL, sql } from 'drizzle-orm';
import type { SpendLogColumn } from '../column-name.ts';

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

/** The spend_logs column holding an entity type's id; tags, team members and the proxy differ. */
const LOG_COLUMN: Record<Exclude<EntityType, 'tag' | 'team_member' | 'proxy'>, SpendLogColumn> = {
  key: 'api_key',
  user: 'user_id',
  end_user: 'end_user_id',
  team: 'team_id',
  org: 'org_id',
};

/** `spend_logs` predicate (alias `l`) for the events a selector's aggregate rows were built from. */
export function spendLogsWhere(s: AggregateSelector): SQL {
  const parts = [entityLogsWhere(s.entityType, s.entityId)];
  if (s.apiKey !== undefined) parts.push(sql`l.api_key = ${s.apiKey}`);
  if (s.model !== undefined) parts.push(sql`l.model = ${s.model}`);
  if (s.provider !== undefined) parts.push(sql`coalesce(l.provider, '') = ${s.provider}`);
  return sql.join(parts, sql` and `);
}

function entityLogsWhere(entityType: EntityType, entityId: string): SQL {
  switch (entityType) {
    case 'tag':
      return sql`l.tags @> array[${entityId}]::text[]`;
    case 'proxy':
      // Every event is booked against the one proxy entity; another id has none.
      return entityId === PROXY_ENTITY_ID ? sql`true` : sql`false`;
    case 'team_member': {
      const member = parseTeamMemberId(entityId);
      return member ? sql`l.team_id = ${member.teamId} and l.user_id = ${member.userId}` : sql`false`;
    }
    case 'key':
      // '' is a request made without a virtual key: no key entity.
      return entityId === '' ? sql`false` : sql`l.api_key = ${entityId}`;
    default:
      return sql`${sql.raw(`l.${LOG_COLUMN[entityType]}`)} = ${entityId}`;
  }
}
