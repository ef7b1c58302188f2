import { addDays, isDate, isTimeZone, todayIn } from './zoned-time.ts';

/**
 * Everything a view shows is in its URL (path and query), so a link can be shared; the token never is.
 *   /ui/                         overview (admin)       ?from&to&tz&stack&top
 *   /ui/entity/{type}/{id}       one spender            ?from&to&tz&stack&model&status
 */
export const STACK_OVERVIEW = ['model', 'provider', 'team', 'tag'] as const;
export const STACK_ENTITY = ['model', 'provider', 'key'] as const;
export const TOP_DIMENSIONS = ['team', 'org', 'key', 'user', 'end_user', 'tag', 'model', 'provider'] as const;
/** Report dimensions that are also entities with a page of their own. */
export const ENTITY_DIMENSIONS = new Set([
  'team',
  'org',
  'key',
  'user',
  'end_user',
  'tag',
  'team_member',
  'proxy',
]);

export type Route = { page: 'overview' } | { page: 'entity'; type: string; id: string };

export interface ViewState {
  route: Route;
  from: string;
  to: string;
  tz: string;
  stack: string;
  top: string;
  model: string;
  status: '' | 'success' | 'failure';
}

export const UI_BASE = '/ui';

const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(UI_BASE) ? pathname.slice(UI_BASE.length) : pathname;
  const match = /^\/entity\/([a-z_]+)\/(.+)$/.exec(rest);
  if (match) {
    try {
      return { page: 'entity', type: match[1]!, id: decodeURIComponent(match[2]!) };
    } catch {
      return { page: 'overview' };
    }
  }
  return { page: 'overview' };
}

/** Reads a URL; anything missing or invalid takes its default (the last 30 days in the reader's zone). */
export function parseViewState(
  pathname: string,
  search: string,
  defaultZone: string,
  now = Date.now(),
): ViewState {
  const q = new URLSearchParams(search);
  const route = parseRoute(pathname);
  const tzParam = q.get('tz') ?? '';
  const tz = isTimeZone(tzParam) ? tzParam : defaultZone;
  const today = todayIn(tz, now);
  const toParam = q.get('to') ?? '';
  const to = isDate(toParam) ? toParam : today;
  const fromParam = q.get('from') ?? '';
  const from = isDate(fromParam) && fromParam <= to ? fromParam : addDays(to, -29);
  const stacks: readonly string[] = route.page === 'entity' ? STACK_ENTITY : STACK_OVERVIEW;
  return {
    route,
    from,
    to,
    tz,
    stack: pick(q.get('stack'), stacks, 'model'),
    top: pick(q.get('top'), TOP_DIMENSIONS, 'team'),
    model: q.get('model') ?? '',
    status: pick(q.get('status'), ['', 'success', 'failure'] as const, ''),
  };
}

export function routePath(route: Route): string {
  return route.page === 'entity'
    ? `${UI_BASE}/entity/${route.type}/${encodeURIComponent(route.id)}`
    : `${UI_BASE}/`;
}

/** The URL of a state: only what differs from a page's meaning is written, and never a token. */
export function viewUrl(state: ViewState): string {
  const q = new URLSearchParams({ from: state.from, to: state.to, tz: state.tz, stack: state.stack });
  if (state.route.page === 'overview') q.set('top', state.top);
  if (state.route.page === 'entity') {
    if (state.model) q.set('model', state.model);
    if (state.status) q.set('status', state.status);
  }
  return `${routePath(state.route)}?${q}`;
}
