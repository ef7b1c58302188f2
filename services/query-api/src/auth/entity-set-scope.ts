import { type EntityType, teamMemberId } from '@spend-ledger/contract';
import type { EntitySetSelector, TokenScope } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';

const forbidden = (message: string, field: string) =>
  new ApiError('FORBIDDEN', message, [{ field, message: 'outside the token scope' }]);

/**
 * The entities a LiteLLM daily-activity request reads, as the token may see them. Admin: the ids
 * asked for, or every entity of the type. A team or org token: its own entity (ids, when given,
 * must name only it). A team token on the user endpoint reads its members' team_member rows: the
 * users asked for, or every member. Everything else is 403, as on /v1.
 */
export function entitySetFor(
  scope: TokenScope,
  entityType: EntityType,
  ids: readonly string[] | undefined,
  idField: string,
): EntitySetSelector {
  if (scope.type === 'admin') return { entityType, ...(ids ? { ids } : {}) };
  if (scope.type === 'team' && entityType === 'user') {
    return ids
      ? { entityType: 'team_member', ids: ids.map((u) => teamMemberId(scope.id, u)) }
      : { entityType: 'team_member', idPrefix: teamMemberId(scope.id, '') };
  }
  if (scope.type !== 'key' && scope.type === entityType) {
    if (ids?.some((id) => id !== scope.id)) {
      throw forbidden(`this token reads only ${scope.type} "${scope.id}"`, idField);
    }
    return { entityType, ids: [scope.id] };
  }
  throw forbidden(
    scope.type === 'key'
      ? `this token reads only api key "${scope.id}" (use /v1/spend/key/...)`
      : `this token reads only ${scope.type} "${scope.id}" and what is inside it`,
    idField,
  );
}
