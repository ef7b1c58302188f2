import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpendEventInput } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type Log = {
  request_id: string;
  timestamp: string;
  team_id: string | null;
  api_key: string;
  tags: string[];
  model: string;
  status: string;
  spend: string;
};
type Page = { data: Log[]; next_cursor: string | null; has_more: boolean };

/** 300 events; many share a timestamp (only request_id orders them), over four teams and keys. */
function workload(): SpendEventInput[] {
  return Array.from({ length: 300 }, (_, i) =>
    aSpendEvent({
      request_id: `log-${String((i * 37) % 300).padStart(3, '0')}`,
      timestamp: new Date(Date.UTC(2026, 10, 20, 0, Math.floor(i / 10))).toISOString(),
      team_id: `log-team-${i % 4}`,
      user_id: `log-user-${i % 5}`,
      org_id: i % 2 ? 'log-org-odd' : 'log-org-even',
      api_key: `log-key-${i % 3}`,
      tags: i % 6 === 0 ? ['batch', 'nightly'] : ['chat'],
      model: i % 2 ? 'gpt-4o' : 'claude-sonnet',
      status: i % 7 === 0 ? 'failure' : 'success',
      spend: `0.${String(i + 1).padStart(12, '0')}`,
    }),
  );
}

/** Sorts like the API: newest first, then request_id descending. */
const newestFirst = (
  a: { timestamp: string; request_id: string },
  b: { timestamp: string; request_id: string },
) =>
  a.timestamp === b.timestamp ? (a.request_id < b.request_id ? 1 : -1) : a.timestamp < b.timestamp ? 1 : -1;

describe('per-request logs', () => {
  let h: QueryHarness;
  const events = workload();
  const stored = events.map((e) => ({ ...e, timestamp: new Date(e.timestamp).toISOString() }));
  before(async () => {
    h = await startQueryHarness();
    await h.seed(events);
  });
  after(async () => {
    await h?.database.drop();
  });

  async function allPages(query: string, limit: number, from: string | null = null): Promise<Log[]> {
    const out: Log[] = [];
    let cursor: string | null = from;
    for (let pages = 0; pages < 1_000; pages++) {
      const r: { status: number; body: Page } = await h.get<Page>(
        `/v1/logs?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.data.length <= limit);
      out.push(...r.body.data);
      cursor = r.body.next_cursor;
      assert.equal(r.body.has_more, cursor !== null);
      if (!cursor) return out;
    }
    throw new Error('too many pages');
  }

  it('pages through everything newest first, without gaps or repeats, ties broken by request_id', async () => {
    const logs = await allPages('', 7);
    assert.deepEqual(
      logs.map((l) => l.request_id),
      [...stored].sort(newestFirst).map((e) => e.request_id),
    );
  });

  it('applies each filter, and all of them together, across pages', async () => {
    const cases: Array<[string, (e: SpendEventInput) => boolean]> = [
      ['team_id=log-team-1', (e) => e.team_id === 'log-team-1'],
      ['user_id=log-user-2', (e) => e.user_id === 'log-user-2'],
      ['org_id=log-org-odd', (e) => e.org_id === 'log-org-odd'],
      ['api_key=log-key-0', (e) => e.api_key === 'log-key-0'],
      ['tag=nightly', (e) => (e.tags ?? []).includes('nightly')],
      ['model=gpt-4o', (e) => e.model === 'gpt-4o'],
      ['status=failure', (e) => e.status === 'failure'],
      [
        'start_time=2026-11-20T00:10:00Z&end_time=2026-11-20T00:20:00%2B00:00',
        (e) => e.timestamp >= '2026-11-20T00:10:00.000Z' && e.timestamp < '2026-11-20T00:20:00.000Z',
      ],
      [
        'team_id=log-team-2&model=claude-sonnet&status=success&tag=chat',
        (e) =>
          e.team_id === 'log-team-2' &&
          e.model === 'claude-sonnet' &&
          e.status === 'success' &&
          (e.tags ?? []).includes('chat'),
      ],
    ];
    for (const [query, keep] of cases) {
      const logs = await allPages(query, 9);
      const want = stored.filter(keep).sort(newestFirst);
      assert.ok(want.length > 0, query);
      assert.deepEqual(
        logs.map((l) => l.request_id),
        want.map((e) => e.request_id),
        query,
      );
    }
  });

  it('does not repeat or skip rows when newer events arrive between pages', async () => {
    const first = await h.get<Page>('/v1/logs?team_id=log-team-3&limit=10');
    await h.seed([
      aSpendEvent({ request_id: 'log-late-1', team_id: 'log-team-3', timestamp: '2026-11-21T00:00:00Z' }),
    ]);
    const rest = await allPages('team_id=log-team-3', 10, first.body.next_cursor);
    const ids = [...first.body.data, ...rest].map((l) => l.request_id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      ids,
      stored
        .filter((e) => e.team_id === 'log-team-3')
        .sort(newestFirst)
        .map((e) => e.request_id),
    );
  });

  it('returns one stored event by request_id, exact spend and all', async () => {
    const r = await h.get<Log>('/v1/logs/log-001');
    assert.equal(r.status, 200);
    const e = stored.find((x) => x.request_id === 'log-001');
    assert.equal(r.body.spend, `${e?.spend}`);
    assert.equal(r.body.timestamp, e?.timestamp);
    assert.equal((await h.get('/v1/logs/unknown-id')).status, 404);
  });

  it('refuses a tampered cursor and bad filters with a 400', async () => {
    for (const query of ['cursor=bm9wZQ', 'limit=0', 'limit=1001', 'status=maybe', 'start_time=yesterday']) {
      const r = await h.get<{ error: { code: string } }>(`/v1/logs?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    }
  });
});
