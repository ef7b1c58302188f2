import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';
import { expectedBy, localDate, randomSpend, seeded } from './support/query-oracle.ts';

// Zones at :30 and :45 from UTC, with 30-minute and 60-minute daylight-saving shifts, and the extremes.
const ZONES = [
  'UTC',
  'Asia/Kolkata', // +5:30
  'Asia/Kathmandu', // +5:45
  'America/New_York', // -5/-4, falls back on 2026-11-01
  'America/St_Johns', // -3:30/-2:30, falls back on 2026-11-01
  'Australia/Lord_Howe', // +10:30/+11, a 30-minute shift on 2026-04-05 and 2026-10-04
  'Pacific/Chatham', // +12:45/+13:45, shifts on 2026-04-05
  'Pacific/Kiritimati', // +14
  'Pacific/Pago_Pago', // -11
];

type Activity = {
  results: Array<{
    date: string;
    metrics: Record<string, unknown>;
    breakdown?: Record<
      'models' | 'providers' | 'api_keys',
      Record<string, { metrics: Record<string, unknown> }>
    >;
  }>;
  metadata: { total_spend: string; total_api_requests: number; total_pages: number; has_more: boolean };
};

/** Random events over two windows around daylight-saving changes, and events on local midnights. */
function workload(): SpendEventInput[] {
  const next = seeded(4);
  const windows = [Date.parse('2026-03-30T00:00:00Z'), Date.parse('2026-10-28T00:00:00Z')];
  const events: SpendEventInput[] = [];
  for (let i = 0; i < 1_200; i++) {
    const start = windows[i % 2] as number;
    events.push(
      aSpendEvent({
        timestamp: new Date(start + Math.floor(next() * 10 * 86_400_000)).toISOString(),
        team_id: 'tz-team',
        api_key: `tz-key-${Math.floor(next() * 3)}`,
        model: ['gpt-4o', 'claude-sonnet', 'llama-3'][Math.floor(next() * 3)] as string,
        provider: [null, 'openai', 'anthropic'][Math.floor(next() * 3)] as string | null,
        tags: next() < 0.5 ? ['tz-tag'] : [],
        spend: randomSpend(next),
        prompt_tokens: Math.floor(next() * 1000),
        completion_tokens: Math.floor(next() * 100),
        status: next() < 0.1 ? 'failure' : 'success',
      }),
    );
  }
  // Exactly on, and a millisecond either side of, midnights of the :30 and :45 zones.
  for (const t of ['2026-11-02T18:30:00.000Z', '2026-11-02T18:29:59.999Z', '2026-11-02T18:15:00.000Z']) {
    for (const shift of [-1, 0, 1]) {
      events.push(
        aSpendEvent({
          timestamp: new Date(Date.parse(t) + shift).toISOString(),
          team_id: 'tz-team',
          api_key: 'tz-key-0',
          spend: '0.000000000001',
        }),
      );
    }
  }
  return events;
}

const pick = (m: Record<string, unknown>) => ({
  spend: m.spend,
  prompt_tokens: m.prompt_tokens,
  completion_tokens: m.completion_tokens,
  api_requests: m.api_requests,
  successful_requests: m.successful_requests,
  failed_requests: m.failed_requests,
});

describe('time zones: local days are exact in every zone', () => {
  let h: QueryHarness;
  const events = workload();
  before(async () => {
    h = await startQueryHarness();
    await h.seed(events);
  });
  after(async () => {
    await h?.database.drop();
  });

  for (const zone of ZONES) {
    it(`daily activity per local day in ${zone} equals the sum of its events`, async () => {
      for (const [from, to] of [
        ['2026-03-29', '2026-04-10'],
        ['2026-10-27', '2026-11-08'],
        ['2026-11-02', '2026-11-02'],
      ] as const) {
        const expected = expectedBy(events, (e) => {
          const d = localDate(e.timestamp, zone);
          return d >= from && d <= to ? d : undefined;
        });
        const tz = encodeURIComponent(zone);
        const r = await h.get<Activity>(
          `/v1/spend/team/tz-team/activity?from=${from}&to=${to}&timezone=${tz}&page_size=366`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(
          r.body.results.map((d) => [d.date, pick(d.metrics)]),
          [...expected].map(([d, f]) => [d, f]),
          `${zone} ${from}..${to}`,
        );
        const all = expectedBy(events, (e) => {
          const d = localDate(e.timestamp, zone);
          return d >= from && d <= to ? 'all' : undefined;
        }).get('all');
        assert.equal(r.body.metadata.total_spend, all?.spend ?? '0.000000000000');
        assert.equal(r.body.metadata.total_api_requests, all?.api_requests ?? 0);
      }
    });
  }

  for (const zone of ['Asia/Kathmandu', 'America/New_York']) {
    it(`breaks each local day down by model, provider and api key in ${zone}`, async () => {
      const [from, to] = ['2026-10-30', '2026-11-03'];
      const r = await h.get<Activity>(
        `/v1/spend/team/tz-team/activity?from=${from}&to=${to}&timezone=${zone}&breakdown=true`,
      );
      assert.equal(r.status, 200);
      for (const [dimension, keyOf] of [
        ['models', (e: { model: string }) => e.model],
        ['providers', (e: { provider: string | null }) => e.provider ?? ''],
        ['api_keys', (e: { api_key: string }) => e.api_key],
      ] as const) {
        const expected = expectedBy(events, (e) => {
          const d = localDate(e.timestamp, zone);
          return d >= from && d <= to ? `${d} ${keyOf(e as never)}` : undefined;
        });
        const actual = new Map(
          r.body.results.flatMap((day) =>
            Object.entries(day.breakdown?.[dimension] ?? {}).map(([k, v]) => [
              `${day.date} ${k}`,
              pick(v.metrics),
            ]),
          ),
        );
        assert.deepEqual(
          [...actual].sort(([a], [b]) => (a < b ? -1 : 1)),
          [...expected],
          `${dimension} in ${zone}`,
        );
      }
      // The days and totals of this page come from the same read as the breakdown.
      const days = expectedBy(events, (e) => {
        const d = localDate(e.timestamp, zone);
        return d >= from && d <= to ? d : undefined;
      });
      assert.deepEqual(
        r.body.results.map((d) => [d.date, pick(d.metrics)]),
        [...days],
      );
      const all = [...days.values()].reduce((n, f) => n + f.api_requests, 0);
      assert.equal(r.body.metadata.total_api_requests, all);
    });
  }

  for (const zone of ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Kiritimati']) {
    it(`the report over local days in ${zone} equals the sum of its events`, async () => {
      for (const [groupBy, keyOf] of [
        ['key', (e: { api_key: string }) => e.api_key],
        ['model', (e: { model: string }) => e.model],
        ['provider', (e: { provider: string | null }) => e.provider ?? ''],
        ['tag', (e: { tags: string[] }) => e.tags],
      ] as const) {
        const [from, to] = ['2026-10-29', '2026-11-04'];
        const expected = expectedBy(events, (e) => {
          const d = localDate(e.timestamp, zone);
          return d >= from && d <= to ? keyOf(e as never) : undefined;
        });
        const r = await h.get<{ results: Array<Record<string, unknown>>; metadata: { groups: number } }>(
          `/v1/report?group_by=${groupBy}&from=${from}&to=${to}&timezone=${zone}&limit=100`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const actual = new Map(r.body.results.map((row) => [row.value as string, pick(row)]));
        assert.deepEqual(
          [...actual].sort(([a], [b]) => (a < b ? -1 : 1)),
          [...expected],
          `${groupBy} in ${zone}`,
        );
        assert.equal(r.body.metadata.groups, expected.size);
      }
    });
  }

  it('the legacy daily endpoint takes the time zone too', async () => {
    const zone = 'Asia/Kolkata';
    const expected = expectedBy(events, (e) => {
      const d = localDate(e.timestamp, zone);
      return d === '2026-11-02' || d === '2026-11-03' ? d : undefined;
    });
    const r = await h.get<{ days: Array<Record<string, unknown>>; timezone: string }>(
      `/v1/spend/team/tz-team/daily?from=2026-11-02&to=2026-11-03&timezone=${zone}`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.timezone, zone);
    assert.deepEqual(
      r.body.days.map((d) => [d.date, pick(d)]),
      [...expected],
    );
  });

  it('refuses a time zone that is not an IANA name', async () => {
    for (const tz of ['UTC%2B5', '%2B05%3A30', 'Mars%2FOlympus', 'EST%3Bdrop']) {
      const r = await h.get<{ error: { code: string; details: Array<{ field: string }> } }>(
        `/v1/spend/team/tz-team/activity?from=2026-11-01&to=2026-11-02&timezone=${tz}`,
      );
      assert.equal(r.status, 400, tz);
      assert.equal(r.body.error.details[0]?.field, 'timezone');
    }
  });
});
