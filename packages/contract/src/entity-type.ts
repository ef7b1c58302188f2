import { z } from 'zod';

/**
 * The entities the ledger aggregates spend for, LiteLLM's Litellm_EntityType: `key` is the api_key
 * itself, `team_member` a user's spend inside one team (LiteLLM_TeamMembership, id from
 * `teamMemberId`), `proxy` the whole deployment (one entity, `PROXY_ENTITY_ID`).
 */
export const ENTITY_TYPES = [
  'key',
  'user',
  'end_user',
  'team',
  'team_member',
  'org',
  'tag',
  'proxy',
] as const;
export const EntityTypeSchema = z.enum(ENTITY_TYPES);
export type EntityType = z.infer<typeof EntityTypeSchema>;

/** The one proxy entity's id: LiteLLM's constant for the proxy-wide budget. */
export const PROXY_ENTITY_ID = 'litellm-proxy-budget';

// Only the separator and the escape character are escaped, so ordinary ids read naturally
// (`research/alice`) and any id, whatever its characters, round-trips. reconcile.ts mirrors this
// in SQL with two replace() calls: keep them in step.
const escapePart = (id: string) => id.replaceAll('%', '%25').replaceAll('/', '%2F');
const unescapePart = (part: string) => part.replace(/%(25|2F)/g, (m) => (m === '%25' ? '%' : '/'));

/**
 * The entity id of a user inside a team: `<team>/<user>`, with `%` and `/` inside each part written
 * `%25` and `%2F`. Exactly one unescaped `/` separates the parts.
 */
export function teamMemberId(teamId: string, userId: string): string {
  return `${escapePart(teamId)}/${escapePart(userId)}`;
}

/** The team and user of a team_member entity id, or null when `id` is not one. */
export function parseTeamMemberId(id: string): { teamId: string; userId: string } | null {
  const parts = id.split('/');
  if (parts.length !== 2) return null;
  const [team, user] = parts as [string, string];
  if (team === '' || user === '' || /%(?!25|2F)/.test(id)) return null;
  return { teamId: unescapePart(team), userId: unescapePart(user) };
}
