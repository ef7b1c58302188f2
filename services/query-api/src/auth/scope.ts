import { type EntityType, parseTeamMemberId } from '@spend-ledger/contract';
import type { AggregateSelector, SpendLogFilter, StoredSpendLog, TokenScope } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';

const describe = (scope: Exclude<TokenScope, { type: 'admin' }>) =>
  scope.type === 'key'
    ? `this token reads only api key "${scope.id}"`
    : `this token reads only ${scope.type} "${scope.id}" and the api keys inside it`;

/**
 * The aggregate rows a token may read for an entity. Admin: the entity's own rows. A team, org or
 * key token: its own entity, or (team, org) an api key inside it, read as the scope's rows narrowed
 * to that key, so the figures cover only what happened inside the scope; a team token also reads
 * its team's members (team_member rows hold exactly a user's spend inside the team). An org or key
 * token cannot read team members (a team's events may span orgs and keys, and the aggregates cannot
 * split a member's spend by org or key), nor anyone the proxy (the whole deployment). Anything else
 * is 403.
 */
export function selectorFor(scope: TokenScope, entityType: EntityType, entityId: string): AggregateSelector {
  if (scope.type === 'admin' || (scope.type === entityType && scope.id === entityId)) {
    return { entityType, entityId };
  }
  if (entityType === 'team_member' && scope.type === 'team' && isMemberOf(entityId, scope.id)) {
    return { entityType, entityId };
  }
  if (entityType === 'key' && scope.type !== 'key') {
    return { entityType: scope.type, entityId: scope.id, apiKey: entityId };
  }
  throw new ApiError(
    'FORBIDDEN',
    `${entityType} "${entityId}" is outside the token's scope: ${describe(scope)}`,
  );
}

/** Adds the scope's own filter to a log query; a filter naming another scope entity is 403. */
export function scopedLogFilter(scope: TokenScope, filter: SpendLogFilter): SpendLogFilter {
  if (scope.type === 'admin') return filter;
  const field = ({ team: 'teamId', org: 'orgId', key: 'apiKey' } as const)[scope.type];
  const given = filter[field];
  if (given !== undefined && given !== scope.id) {
    throw new ApiError(
      'FORBIDDEN',
      `${scope.type} "${given}" is outside the token's scope: ${describe(scope)}`,
      [{ field: { teamId: 'team_id', orgId: 'org_id', apiKey: 'api_key' }[field], message: 'outside scope' }],
    );
  }
  return { ...filter, [field]: scope.id };
}

/** Whether a stored event belongs to the token's scope. */
export function logInScope(scope: TokenScope, log: StoredSpendLog): boolean {
  if (scope.type === 'admin') return true;
  const value = { team: log.team_id, org: log.org_id, key: log.api_key }[scope.type];
  return value === scope.id;
}

/** Whether a team_member entity id names a member of `teamId`. */
function isMemberOf(entityId: string, teamId: string): boolean {
  return parseTeamMemberId(entityId)?.teamId === teamId;
}
