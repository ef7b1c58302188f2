import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { createLedgerDb, writeSpendBatch } from '@spend-ledger/ledger-db';
import { createLogger, createMetricsRegistry, type RunningService } from '@spend-ledger/platform';
import { aSpendEvent, createTestDatabase, type TestDatabase } from '@spend-ledger/testing';
import { createQueryApp } from '../../services/query-api/src/app.ts';
import { QueryConfigSchema } from '../../services/query-api/src/config.ts';
import { startQueryApi } from '../../services/query-api/src/start-query-api.ts';

const TOKEN = 'test-query-limits-token-0123456789';
type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe('query API service: statement timeout and server limits', () => {
  let database: TestDatabase;
  let api: RunningService;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });

  before(async () => {
    database = await createTestDatabase();
    await writeSpendBatch(database.db, [SpendEventSchema.parse(aSpendEvent({ team_id: 'lim-team' }))]);
    api = await startQueryApi(
      QueryConfigSchema.parse({
        QUERY_PORT: '0',
        LEDGER_QUERY_TOKENS: TOKEN,
        DATABASE_URL: database.url,
        QUERY_STATEMENT_TIMEOUT_MS: '300',
        QUERY_EXPORT_TIMEOUT_MS: '600',
        HTTP_HEADERS_TIMEOUT_MS: '400',
        HTTP_REQUEST_TIMEOUT_MS: '800',
      }),
      createLogger({ service: 'query-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    );
  });
  after(async () => {
    await api?.stop();
    await database?.drop();
  });

  /** Runs `check` while another session holds the aggregate tables locked, so queries wait. */
  async function whileLocked(check: () => Promise<void>): Promise<void> {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = database.db.$client.begin(async (tx) => {
      await tx`lock table entity_totals, daily_spend, daily_rollup in access exclusive mode`;
      locked();
      await released;
    });
    await isLocked;
    try {
      await check();
    } finally {
      release();
      await holder;
    }
  }

  it('answers a query past QUERY_STATEMENT_TIMEOUT_MS with a 503 error body, not a 500', async () => {
    await whileLocked(async () => {
      const started = Date.now();
      const res = await get('/v1/spend/team/lim-team');
      assert.equal(res.status, 503);
      const body = (await res.json()) as ErrorBody;
      assert.equal(body.error.code, 'UNAVAILABLE');
      assert.match(body.error.message, /statement timeout/);
      assert.ok(Date.now() - started < 5_000);
    });
    assert.equal((await get('/v1/spend/team/lim-team')).status, 200, 'answers again once the lock is gone');
  });

  it('answers a CSV export whose first query fails with a JSON error, not a 200 with a header row', async () => {
    await whileLocked(async () => {
      const res = await get('/v1/spend/team/lim-team/activity?from=2026-11-01&to=2026-11-30&format=csv');
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /json/);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'UNAVAILABLE');
    });
  });

  it('closes a connection whose headers never finish', async () => {
    const { hostname, port } = new URL(api.url);
    const started = Date.now();
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'),
      );
      socket.once('close', () => resolve(Date.now() - started));
      socket.once('error', reject);
      socket.resume();
    });
    assert.ok(closed < 5_000, `closed after ${closed} ms`);
  });

  it('refuses a request whose headers are over HTTP_MAX_HEADER_BYTES with 431', async () => {
    const res = await get(`/v1/logs?tag=${'t'.repeat(20_000)}`);
    assert.equal(res.status, 431);
  });

  it('answers 503 with Retry-After, not 500, when the database cannot be reached', async () => {
    const unreachable = createLedgerDb('postgres://postgres@127.0.0.1:1/nowhere', { maxConnections: 1 });
    try {
      const app = createQueryApp({
        db: unreachable.db,
        queryTokens: [TOKEN],
        log: createLogger({ service: 'query-test', level: 'silent' }),
        registry: createMetricsRegistry('query-test'),
        maxRangeDays: 366,
      });
      const res = await app.request('/v1/spend/team/lim-team', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'UNAVAILABLE');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    } finally {
      await unreachable.close(0);
    }
  });

  it("answers its own X-Request-Id, never the client's", async () => {
    const res = await get('/v1/spend/team/lim-team', { 'x-request-id': 'client-id-1' });
    const ours = res.headers.get('x-request-id') ?? '';
    assert.match(ours, /^[0-9a-f-]{36}$/);
    const bad = await get('/v1/spend/team/lim-team/daily?from=x&to=y', { 'x-request-id': 'client-id-2' });
    const body = (await bad.json()) as ErrorBody;
    assert.equal(body.error.requestId, bad.headers.get('x-request-id'));
    assert.notEqual(body.error.requestId, 'client-id-2');
  });
});
