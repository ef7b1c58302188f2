/**
 * Every public endpoint the fuzz suite attacks, one line each: add a line when you add a route.
 * Query parameters need no listing: the suite reads each route's parameters from /openapi.json,
 * and fails when a route of the OpenAPI document has no line here.
 */
export interface FuzzEndpoint {
  service: 'gateway' | 'query';
  method: 'GET' | 'POST';
  /** OpenAPI-style template: `{name}` segments are filled with generated values. */
  path: string;
}

export const ENDPOINTS: readonly FuzzEndpoint[] = [
  { service: 'gateway', method: 'POST', path: '/v1/events' },
  // LiteLLM's ingest (generic_api and SPEND_LOGS_URL, header or path token).
  { service: 'gateway', method: 'POST', path: '/v1/litellm/logs' },
  { service: 'gateway', method: 'POST', path: '/v1/litellm/spend/update' },
  { service: 'gateway', method: 'POST', path: '/v1/litellm/t/{token}/spend/update' },
  { service: 'query', method: 'GET', path: '/v1/spend/{entity_type}/{entity_id}' },
  { service: 'query', method: 'GET', path: '/v1/spend/{entity_type}/{entity_id}/daily' },
  { service: 'query', method: 'GET', path: '/v1/spend/{entity_type}/{entity_id}/activity' },
  { service: 'query', method: 'GET', path: '/v1/report' },
  { service: 'query', method: 'GET', path: '/v1/logs' },
  { service: 'query', method: 'GET', path: '/v1/logs/{request_id}' },
  // LiteLLM-compatible and admin routes (on main since h-ledger; answered 404 where not merged yet).
  { service: 'query', method: 'GET', path: '/v1/admin/request-id-conflicts' },
  { service: 'query', method: 'GET', path: '/user/daily/activity' },
  { service: 'query', method: 'GET', path: '/team/daily/activity' },
  { service: 'query', method: 'GET', path: '/tag/daily/activity' },
  { service: 'query', method: 'GET', path: '/organization/daily/activity' },
  { service: 'query', method: 'GET', path: '/customer/daily/activity' },
  { service: 'query', method: 'GET', path: '/openapi.json' },
  { service: 'query', method: 'GET', path: '/docs' },
  // The dashboard's static files (no token): path traversal and odd escapes must stay 4xx.
  { service: 'query', method: 'GET', path: '/ui/{asset}' },
];
