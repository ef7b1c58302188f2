import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeApiKey, type SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';
import { expectedBy } from './support/query-oracle.ts';

type Row = { value: string; spend: string; api_requests: number };
type Report = { results: Row[]; metadata: { groups: number; limit: number; totals: Row } };

/** Team t-N spends N cents per event, N events a day over November; t-3 and t-3b tie. */
function workload(): SpendEventInput[] {
  const events: SpendEventInput[] = [];
  const teams: Array<[string, number]> = [
    ['t-1', 1],
    ['t-2', 2],
    ['t-3', 3],
    ['t-3b', 3],
    ['t-5', 5],
    ['t-8', 8],
  ];
  for (const [team, n] of teams) {
    for (let day = 1; day <= 30; day++) {
      for (let i = 0; i < n; i++) {
        events.push(
          aSpendEvent({
            timestamp: `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`,
            team_id: team,
            org_id: n % 2 ? 'org-odd' : 'org-even',
            user_id: `u-${team}`,
            end_user_id: i === 0 ? `eu-${team}` : null,
            api_key: `k-${team}-${i % 2}`,
            model: i % 2 ? 'gpt-4o' : 'claude-sonnet',
            provider: i % 2 ? 'openai' : null,
            tags: i === 0 ? ['first'] : [],
            spend: `0.0${n}`,
          }),
        );
      }
    }
  }
  // Outside the reported range.
  events.push(aSpendEvent({ team_id: 't-1', timestamp: '2026-12-01T00:00:00Z', spend: '100' }));
  return events;
}

describe('spend report ("top spenders")', () => {
  let h: QueryHarness;
  const events = workload();
  const inRange = events.filter((e) => e.timestamp < '2026-12-01');
  before(async () => {
    h = await startQueryHarness();
    await h.seed(events);
  });
  after(async () => {
    await h?.database.drop();
  });

  it('sorts by spend, breaks ties by value, limits rows, and totals over every group', async () => {
    const r = await h.get<Report>('/v1/report?group_by=team&from=2026-11-01&to=2026-11-30&limit=3');
    assert.equal(r.status, 200);
    const expected = expectedBy(inRange, (e) => e.team_id ?? undefined);
    assert.deepEqual(
      r.body.results.map((x) => [x.value, x.spend]),
      [
        ['t-8', expected.get('t-8')?.spend],
        ['t-5', expected.get('t-5')?.spend],
        ['t-3', expected.get('t-3')?.spend],
      ],
    );
    assert.equal(r.body.metadata.groups, 6);
    assert.equal(r.body.metadata.totals.spend, expectedBy(inRange, () => 'all').get('all')?.spend);
    assert.equal(r.body.metadata.totals.api_requests, inRange.length);
    const next = await h.get<Report>('/v1/report?group_by=team&from=2026-11-01&to=2026-11-30&limit=4');
    assert.equal(next.body.results[3]?.value, 't-3b');
  });

  it('groups by every dimension exactly', async () => {
    const keyOf: Record<string, (e: SpendEventInput) => string | string[] | undefined> = {
      org: (e) => e.org_id ?? undefined,
      user: (e) => e.user_id ?? undefined,
      end_user: (e) => e.end_user_id ?? undefined,
      key: (e) => e.api_key,
      tag: (e) => e.tags ?? [],
      model: (e) => e.model,
      provider: (e) => e.provider ?? '',
    };
    for (const [dimension, of] of Object.entries(keyOf)) {
      const r = await h.get<Report>(
        `/v1/report?group_by=${dimension}&from=2026-11-01&to=2026-11-30&limit=1000`,
      );
      assert.equal(r.status, 200, dimension);
      const expected = expectedBy(inRange, (e) => of(e as SpendEventInput));
      assert.deepEqual(
        new Map(r.body.results.map((x) => [x.value, x.spend])),
        new Map([...expected].map(([k, v]) => [k, v.spend])),
        dimension,
      );
    }
  });

  it('covers only the days asked for', async () => {
    const r = await h.get<Report>('/v1/report?group_by=team&from=2026-11-10&to=2026-11-11');
    const t8 = r.body.results.find((x) => x.value === 't-8');
    assert.equal(t8?.api_requests, 16);
    assert.equal(t8?.spend, '1.280000000000');
  });

  it('reports inside one entity by key, model or provider, and refuses other groupings there', async () => {
    const r = await h.get<Report>(
      '/v1/report?group_by=key&entity_type=team&entity_id=t-5&from=2026-11-01&to=2026-11-30',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((x) => [x.value, x.api_requests]),
      [
        [normalizeApiKey('k-t-5-0'), 90],
        [normalizeApiKey('k-t-5-1'), 60],
      ],
    );
    const bad = await h.get<{ error: { code: string } }>(
      '/v1/report?group_by=team&entity_type=org&entity_id=org-odd&from=2026-11-01&to=2026-11-30',
    );
    assert.equal(bad.status, 400);
    const half = await h.get('/v1/report?group_by=key&entity_type=team&from=2026-11-01&to=2026-11-30');
    assert.equal(half.status, 400);
  });

  it('refuses an unknown dimension, a bad limit and a range beyond the limit', async () => {
    for (const query of [
      'group_by=galaxy&from=2026-11-01&to=2026-11-30',
      'group_by=team&from=2026-11-01&to=2026-11-30&limit=0',
      'group_by=team&from=2025-01-01&to=2026-11-30',
    ]) {
      assert.equal((await h.get(`/v1/report?${query}`)).status, 400, query);
    }
  });
});
