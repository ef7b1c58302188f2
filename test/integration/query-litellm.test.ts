import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type Metrics = Record<string, number>;
type LiteLlmActivity = {
  results: Array<{
    date: string;
    metrics: Metrics;
    breakdown: Record<string, Record<string, { metrics: Metrics }>>;
  }>;
  metadata: Record<string, number | boolean>;
};
type Totals = Record<string, string | number>;

const day = (d: number, h = 10) =>
  `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

/** Two teams, three days, cache tokens, and entities named like Object.prototype members. */
function workload(): SpendEventInput[] {
  return [
    aSpendEvent({
      team_id: 'research',
      user_id: 'alice',
      timestamp: day(1),
      spend: '1.5',
      cache_read_input_tokens: 10,
    }),
    aSpendEvent({
      team_id: 'research',
      user_id: 'alice',
      timestamp: day(2),
      spend: '0.25',
      cache_creation_input_tokens: 3,
    }),
    aSpendEvent({ team_id: 'research', user_id: 'bob', timestamp: day(3), spend: '2', status: 'failure' }),
    aSpendEvent({ team_id: 'sales', user_id: 'alice', timestamp: day(2), spend: '4', org_id: 'org-b' }),
    // A day whose models include names a plain object would lose.
    aSpendEvent({
      team_id: '__proto__',
      user_id: 'u',
      timestamp: day(5),
      model: '__proto__',
      spend: '0.001',
    }),
    aSpendEvent({
      team_id: 'constructor',
      user_id: 'u',
      timestamp: day(5),
      model: 'constructor',
      spend: '0.002',
    }),
    aSpendEvent({ team_id: 'toString', user_id: 'u', timestamp: day(5), model: 'toString', spend: '0.004' }),
    aSpendEvent({ team_id: 'plain', user_id: 'u', timestamp: day(5), model: 'plain', spend: '1' }),
  ].map((e) => ({ ...e, org_id: e.org_id ?? 'org-a' }));
}

describe('team members, the proxy and LiteLLM daily activity on the query API', () => {
  let h: QueryHarness;
  before(async () => {
    h = await startQueryHarness();
    await h.seed(workload());
  });
  after(async () => {
    await h?.database.drop();
  });

  it('keeps __proto__, constructor and toString in breakdowns: models sum to the day total', async () => {
    const r = await h.get<{
      results: Array<{ metrics: Totals; breakdown: Record<string, Record<string, { metrics: Totals }>> }>;
    }>('/v1/spend/proxy/litellm-proxy-budget/activity?from=2026-11-05&to=2026-11-05&breakdown=true');
    assert.equal(r.status, 200);
    const [only] = r.body.results;
    const models = only?.breakdown.models ?? {};
    assert.deepEqual(Object.keys(models).sort(), ['__proto__', 'constructor', 'plain', 'toString']);
    const proto = Object.entries(models).find(([k]) => k === '__proto__')?.[1];
    assert.equal(proto?.metrics.spend, '0.001000000000');
    const sum = Object.values(models).reduce((n, m) => n + Number(m.metrics.api_requests), 0);
    assert.equal(sum, only?.metrics.api_requests);
    const teams = await h.get<LiteLlmActivity>(
      '/team/daily/activity?start_date=2026-11-05&end_date=2026-11-05',
    );
    assert.deepEqual(Object.keys(teams.body.results[0]?.breakdown.entities ?? {}).sort(), [
      '__proto__',
      'constructor',
      'plain',
      'toString',
    ]);
  });

  it('answers team member and proxy totals, cache tokens included; the id is URL-encoded', async () => {
    const alice = await h.get<Totals>('/v1/spend/team_member/research%2Falice');
    assert.equal(alice.status, 200);
    assert.deepEqual(
      [
        alice.body.spend,
        alice.body.api_requests,
        alice.body.cache_read_input_tokens,
        alice.body.cache_creation_input_tokens,
      ],
      ['1.750000000000', 2, 10, 3],
    );
    const daily = await h.get<{ days: Totals[] }>(
      '/v1/spend/team_member/research%2Falice/daily?from=2026-11-01&to=2026-11-30',
    );
    assert.deepEqual(
      daily.body.days.map((d) => [d.date, d.spend]),
      [
        ['2026-11-01', '1.500000000000'],
        ['2026-11-02', '0.250000000000'],
      ],
    );
    const proxy = await h.get<Totals>('/v1/spend/proxy/litellm-proxy-budget');
    assert.deepEqual([proxy.body.spend, proxy.body.api_requests], ['8.757000000000', 8]);
  });

  it('lets a team token read its members but not another team, and keeps the proxy admin-only', async () => {
    const team = await h.token({ type: 'team', id: 'research' });
    const org = await h.token({ type: 'org', id: 'org-a' });
    assert.equal((await h.get('/v1/spend/team_member/research%2Fbob', team)).status, 200);
    assert.equal((await h.get('/v1/spend/team_member/sales%2Falice', team)).status, 403);
    assert.equal((await h.get('/v1/spend/proxy/litellm-proxy-budget', team)).status, 403);
    assert.equal((await h.get('/v1/spend/team_member/research%2Fbob', org)).status, 403);
    const members = await h.get<{ results: Totals[] }>(
      '/v1/report?group_by=team_member&from=2026-11-01&to=2026-11-30',
      team,
    );
    assert.equal(members.status, 200);
    assert.deepEqual(
      members.body.results.map((r) => [r.value, r.spend]),
      [
        ['research/bob', '2.000000000000'],
        ['research/alice', '1.750000000000'],
      ],
    );
    assert.equal((await h.get('/v1/report?group_by=proxy&from=2026-11-01&to=2026-11-30', team)).status, 403);
  });

  it('reports by team member and by proxy for an admin', async () => {
    const proxy = await h.get<{ results: Totals[] }>(
      '/v1/report?group_by=proxy&from=2026-11-01&to=2026-11-30',
    );
    assert.deepEqual(
      proxy.body.results.map((r) => [r.value, r.spend, r.cache_read_input_tokens]),
      [['litellm-proxy-budget', '8.757000000000', 10]],
    );
    const members = await h.get<{ metadata: { groups: number } }>(
      '/v1/report?group_by=team_member&from=2026-11-01&to=2026-11-30&timezone=Asia/Kolkata',
    );
    assert.equal(members.body.metadata.groups, 7);
  });

  it("serves LiteLLM's /team/daily/activity: its shape, paged by day, totals over the whole range", async () => {
    const r = await h.get<LiteLlmActivity>(
      '/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30&team_ids=research,sales&page_size=2&page=1',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((d) => [d.date, d.metrics.spend, d.metrics.api_requests]),
      [
        ['2026-11-01', 1.5, 1],
        ['2026-11-02', 4.25, 2],
      ],
    );
    const first = r.body.results[0];
    assert.deepEqual(Object.keys(first?.breakdown ?? {}).sort(), [
      'api_keys',
      'endpoints',
      'entities',
      'mcp_servers',
      'model_groups',
      'models',
      'providers',
    ]);
    assert.deepEqual(Object.keys(first?.metrics ?? {}).sort(), [
      'api_requests',
      'cache_creation_input_tokens',
      'cache_read_input_tokens',
      'completion_tokens',
      'failed_requests',
      'prompt_tokens',
      'spend',
      'successful_requests',
      'total_tokens',
    ]);
    assert.deepEqual(Object.keys(r.body.results[1]?.breakdown.entities ?? {}).sort(), ['research', 'sales']);
    const m = r.body.metadata;
    assert.deepEqual(
      [
        m.total_spend,
        m.total_api_requests,
        m.total_failed_requests,
        m.total_cache_read_input_tokens,
        m.page,
        m.total_pages,
        m.has_more,
      ],
      [7.75, 4, 1, 10, 1, 2, true],
    );
    const page2 = await h.get<LiteLlmActivity>(
      '/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30&team_ids=research,sales&page_size=2&page=2',
    );
    assert.deepEqual(
      page2.body.results.map((d) => d.date),
      ['2026-11-03'],
    );
    assert.equal(page2.body.metadata.total_spend, 7.75);
  });

  it('serves /user, /tag, /organization and /customer daily activity with filters', async () => {
    const user = await h.get<LiteLlmActivity>(
      '/user/daily/activity?start_date=2026-11-01&end_date=2026-11-30&user_id=alice',
    );
    assert.equal(user.body.metadata.total_spend, 5.75);
    assert.deepEqual(user.body.results[0]?.breakdown.entities, {});
    const org = await h.get<LiteLlmActivity>(
      '/organization/daily/activity?start_date=2026-11-01&end_date=2026-11-30&organization_ids=org-b',
    );
    assert.equal(org.body.metadata.total_spend, 4);
    const byModel = await h.get<LiteLlmActivity>(
      '/organization/daily/activity?start_date=2026-11-01&end_date=2026-11-30&model=plain',
    );
    assert.equal(byModel.body.metadata.total_api_requests, 1);
    for (const path of ['/tag/daily/activity', '/customer/daily/activity']) {
      const r = await h.get<LiteLlmActivity>(`${path}?start_date=2026-11-01&end_date=2026-11-30`);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.metadata.total_api_requests, 0, path);
    }
    const missing = await h.get<{ error: { code: string; details: Array<{ field: string }> } }>(
      '/team/daily/activity?end_date=2026-11-30',
    );
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.details[0]?.field, 'start_date');
  });

  it('applies /v1 scopes: a team token sees its members on /user, nothing outside its team', async () => {
    const team = await h.token({ type: 'team', id: 'research' });
    const users = await h.get<LiteLlmActivity>(
      '/user/daily/activity?start_date=2026-11-01&end_date=2026-11-30',
      team,
    );
    assert.equal(users.status, 200);
    assert.equal(users.body.metadata.total_spend, 3.75);
    const alice = await h.get<LiteLlmActivity>(
      '/user/daily/activity?start_date=2026-11-01&end_date=2026-11-30&user_id=alice',
      team,
    );
    assert.equal(alice.body.metadata.total_spend, 1.75, 'alice inside research only, not her sales spend');
    assert.equal(
      (await h.get('/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30&team_ids=sales', team))
        .status,
      403,
    );
    const own = await h.get<LiteLlmActivity>(
      '/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30',
      team,
    );
    assert.equal(own.body.metadata.total_spend, 3.75);
    const org = await h.token({ type: 'org', id: 'org-a' });
    assert.equal(
      (await h.get('/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30', org)).status,
      403,
    );
    assert.equal(
      (await h.get('/team/daily/activity?start_date=2026-11-01&end_date=2026-11-30', null)).status,
      401,
    );
    assert.equal((await h.get('/v1/admin/request-id-conflicts', team)).status, 403);
    assert.equal((await h.get('/v1/admin/request-id-conflicts')).status, 200);
  });

  it('shows cache tokens and spend_source in the logs', async () => {
    const r = await h.get<{ data: Totals[] }>('/v1/logs?team_id=research&user_id=alice&limit=10');
    assert.deepEqual(
      r.body.data.map((l) => [l.cache_read_input_tokens, l.cache_creation_input_tokens, l.spend_source]),
      [
        [0, 3, 'sender'],
        [10, 0, 'sender'],
      ],
    );
  });

  it('describes the LiteLLM endpoints in /openapi.json', async () => {
    const r = await h.get<{ paths: Record<string, unknown> }>('/openapi.json', null);
    for (const path of [
      '/user/daily/activity',
      '/team/daily/activity',
      '/tag/daily/activity',
      '/organization/daily/activity',
      '/customer/daily/activity',
      '/v1/admin/request-id-conflicts',
    ]) {
      assert.ok(Object.hasOwn(r.body.paths, path), path);
    }
  });
});
