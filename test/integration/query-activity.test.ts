import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';
import { expectedBy, randomSpend, seeded } from './support/query-oracle.ts';

type Metrics = {
  spend: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
};
type Activity = {
  results: Array<{
    date: string;
    metrics: Metrics;
    breakdown?: Record<'models' | 'providers' | 'api_keys', Record<string, { metrics: Metrics }>>;
  }>;
  metadata: Record<string, number | string | boolean>;
};
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string }> } };

/** 17 active days in November (some days left empty), two keys, two models, failures. */
function workload(): SpendEventInput[] {
  const next = seeded(11);
  const events: SpendEventInput[] = [];
  for (let i = 0; i < 400; i++) {
    const day = 1 + ((i * 7) % 17) + Math.floor(((i * 7) % 17) / 5); // skips a few dates
    events.push(
      aSpendEvent({
        timestamp: `2026-11-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:15:00Z`,
        team_id: 'act-team',
        api_key: i % 3 === 0 ? 'act-key-a' : 'act-key-b',
        model: i % 2 ? 'gpt-4o' : 'claude-sonnet',
        provider: i % 2 ? 'openai' : 'anthropic',
        spend: randomSpend(next),
        prompt_tokens: i,
        completion_tokens: 2 * i,
        status: i % 10 === 0 ? 'failure' : 'success',
      }),
    );
  }
  // Another team's spend must not leak in.
  events.push(aSpendEvent({ team_id: 'other-team', timestamp: '2026-11-03T10:00:00Z', spend: '5' }));
  return events;
}

describe('daily activity', () => {
  let h: QueryHarness;
  const events = workload();
  const mine = events.filter((e) => e.team_id === 'act-team');
  before(async () => {
    h = await startQueryHarness({ maxRangeDays: 400 });
    await h.seed(events);
  });
  after(async () => {
    await h?.database.drop();
  });

  it('pages by day without gaps or repeats; totals always cover the whole range', async () => {
    const expectedDays = expectedBy(mine, (e) => e.timestamp.slice(0, 10));
    const total = expectedBy(mine, () => 'all').get('all');
    const seen: string[] = [];
    let page = 1;
    for (;;) {
      const r = await h.get<Activity>(
        `/v1/spend/team/act-team/activity?from=2026-11-01&to=2026-11-30&page=${page}&page_size=4`,
      );
      assert.equal(r.status, 200);
      const m = r.body.metadata;
      // BerriAI/litellm#11929: the totals are the range's, identical on every page.
      assert.equal(m.total_spend, total?.spend);
      assert.equal(m.total_api_requests, mine.length);
      assert.equal(m.total_failed_requests, total?.failed_requests);
      assert.equal(m.total_tokens, (total?.prompt_tokens ?? 0) + (total?.completion_tokens ?? 0));
      assert.equal(m.total_pages, Math.ceil(expectedDays.size / 4));
      assert.equal(m.total_days, expectedDays.size);
      assert.ok(r.body.results.length <= 4);
      for (const d of r.body.results) {
        seen.push(d.date);
        const want = expectedDays.get(d.date);
        assert.ok(want, `unexpected day ${d.date}`);
        assert.equal(d.metrics.spend, want.spend);
        assert.equal(d.metrics.api_requests, want.api_requests);
        assert.equal(d.metrics.total_tokens, want.prompt_tokens + want.completion_tokens);
        assert.equal(d.breakdown, undefined);
      }
      if (!m.has_more) break;
      page += 1;
    }
    assert.deepEqual(seen, [...expectedDays.keys()], 'every active day once, in date order');
    const beyond = await h.get<Activity>(
      `/v1/spend/team/act-team/activity?from=2026-11-01&to=2026-11-30&page=${page + 1}&page_size=4`,
    );
    assert.deepEqual(beyond.body.results, []);
    assert.equal(beyond.body.metadata.has_more, false);
  });

  it('breaks a day down by model, provider and api key, each summing to the day', async () => {
    const r = await h.get<Activity>(
      '/v1/spend/team/act-team/activity?from=2026-11-01&to=2026-11-30&breakdown=true&page_size=31',
    );
    assert.equal(r.status, 200);
    const byKey = expectedBy(mine, (e) => `${e.timestamp.slice(0, 10)} ${e.api_key}`);
    for (const day of r.body.results) {
      const b = day.breakdown;
      assert.ok(b);
      for (const dimension of ['models', 'providers', 'api_keys'] as const) {
        const requests: number = Object.values(b[dimension]).reduce((n, v) => n + v.metrics.api_requests, 0);
        assert.equal(requests, day.metrics.api_requests, `${day.date} ${dimension}`);
      }
      for (const [key, value] of Object.entries(b.api_keys)) {
        assert.equal(value.metrics.spend, byKey.get(`${day.date} ${key}`)?.spend);
      }
    }
  });

  it('answers the same whether the page holds the whole range (one read) or a part of it', async () => {
    const base = '/v1/spend/team/act-team/activity?from=2026-11-01&to=2026-11-30&breakdown=true';
    // page_size 30 covers the range: days, totals and breakdown come from one statement.
    const whole = await h.get<Activity>(`${base}&page_size=30`);
    assert.equal(whole.status, 200);
    const paged: Activity['results'] = [];
    for (let page = 1; ; page += 1) {
      const r = await h.get<Activity>(`${base}&page_size=4&page=${page}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.metadata.total_spend, whole.body.metadata.total_spend);
      assert.equal(r.body.metadata.total_days, whole.body.metadata.total_days);
      paged.push(...r.body.results);
      if (!r.body.metadata.has_more) break;
    }
    assert.ok(paged.length > 4, 'the range spans several pages of 4');
    assert.deepEqual(paged, whole.body.results);
    const expectedDays = expectedBy(mine, (e) => e.timestamp.slice(0, 10));
    assert.deepEqual(
      whole.body.results.map((d) => [d.date, d.metrics.spend]),
      [...expectedDays].map(([d, f]) => [d, f.spend]),
    );
    assert.equal(whole.body.metadata.total_spend, expectedBy(mine, () => 'all').get('all')?.spend);
  });

  it('narrows to one api key, model or provider', async () => {
    const r = await h.get<Activity>(
      '/v1/spend/team/act-team/activity?from=2026-11-01&to=2026-11-30&api_key=act-key-a&model=gpt-4o',
    );
    const want = expectedBy(
      mine.filter((e) => e.api_key === 'act-key-a' && e.model === 'gpt-4o'),
      () => 'all',
    ).get('all');
    assert.equal(r.body.metadata.total_spend, want?.spend);
    assert.equal(r.body.metadata.total_api_requests, want?.api_requests);
  });

  it('keeps the totals endpoint and the legacy daily endpoint consistent with the events', async () => {
    const total = expectedBy(mine, () => 'all').get('all');
    const totals = await h.get<Record<string, unknown>>('/v1/spend/team/act-team');
    assert.equal(totals.body.spend, total?.spend);
    assert.equal(totals.body.api_requests, total?.api_requests);
    const daily = await h.get<{ days: unknown[]; totals: Record<string, unknown> }>(
      '/v1/spend/team/act-team/daily?from=2026-11-01&to=2026-11-30',
    );
    assert.equal(daily.body.totals.spend, total?.spend);
    assert.equal(daily.body.days.length, expectedBy(mine, (e) => e.timestamp.slice(0, 10)).size);
  });

  it('answers an unknown entity with no days and zero totals', async () => {
    const r = await h.get<Activity>('/v1/spend/user/nobody/activity?from=2026-11-01&to=2026-11-30');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results, []);
    assert.equal(r.body.metadata.total_spend, '0.000000000000');
    assert.equal(r.body.metadata.total_pages, 1);
  });

  it('refuses inverted, malformed and too long ranges with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-11-30&to=2026-11-01', 'from'],
      ['from=2024-01-01&to=2026-11-30', 'to'],
      ['from=2026-13-01&to=2026-11-30', 'from'],
      ['from=2026-11-01', 'to'],
      ['from=2026-11-01&to=2026-11-02&page=0', 'page'],
      ['from=2026-11-01&to=2026-11-02&breakdown=yes', 'breakdown'],
    ] as const) {
      const r = await h.get<ErrorBody>(`/v1/spend/team/act-team/activity?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
      assert.equal(r.body.error.details?.[0]?.field, field, query);
    }
    const long = await h.get<ErrorBody>('/v1/spend/team/act-team/activity?from=2024-01-01&to=2026-11-30');
    assert.match(long.body.error.message, /at most 400 days/);
  });
});
