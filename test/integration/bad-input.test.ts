import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aSpendEvent, seededRandom, uniqueSuffix } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

interface BadRequest {
  label: string;
  body: string;
  contentType?: string;
}

type Mutation = [label: string, mutate: (e: Record<string, unknown>, r: () => number) => unknown];

const valid = (id: string) => aSpendEvent({ request_id: id }) as Record<string, unknown>;
const without =
  (field: string): Mutation[1] =>
  (e) => {
    const { [field]: _, ...rest } = e;
    return rest;
  };
const set =
  (field: string, value: (r: () => number) => unknown): Mutation[1] =>
  (e, r) => ({ ...e, [field]: value(r) });
const nest = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Every way an event can be wrong that the contract must refuse, each with a random twist. */
const MUTATIONS: Mutation[] = [
  ...['request_id', 'timestamp', 'api_key', 'model', 'spend'].map(
    (f): Mutation => [`missing ${f}`, without(f)],
  ),
  ['request_id number', set('request_id', (r) => Math.floor(r() * 1e6))],
  ['request_id empty', set('request_id', () => '')],
  ['request_id too long', set('request_id', (r) => 'r'.repeat(129 + Math.floor(r() * 1000)))],
  ['request_id NUL', set('request_id', () => 'a\u0000b')],
  ['request_id lone surrogate', set('request_id', () => 'a\ud800b')],
  ['timestamp number', set('timestamp', (r) => Math.floor(r() * 2e12))],
  ['timestamp no zone', set('timestamp', () => '2026-11-28T10:00:00')],
  ['timestamp date only', set('timestamp', () => '2026-11-28')],
  ['timestamp month 13', set('timestamp', () => '2026-13-01T00:00:00Z')],
  ['timestamp words', set('timestamp', () => 'yesterday')],
  ['timestamp year 0000', set('timestamp', () => '0000-01-01T00:00:00Z')],
  ['end_time bad', set('end_time', () => 'later')],
  ['api_key array', set('api_key', () => ['k'])],
  ['api_key huge', set('api_key', (r) => 'k'.repeat(257 + Math.floor(r() * 20_000)))],
  ['user_id number', set('user_id', (r) => r())],
  ['team_id object', set('team_id', () => ({ id: 1 }))],
  ['tags string', set('tags', () => 'a,b')],
  ['tags too many', set('tags', (r) => Array.from({ length: 65 + Math.floor(r() * 50) }, (_, i) => `t${i}`))],
  ['tag too long', set('tags', () => ['x'.repeat(129)])],
  ['tag empty', set('tags', () => [''])],
  ['tag number', set('tags', () => [1])],
  ['model null', set('model', () => null)],
  ['model empty', set('model', () => '')],
  ['prompt_tokens string', set('prompt_tokens', (r) => String(Math.floor(r() * 100)))],
  ['prompt_tokens negative', set('prompt_tokens', (r) => -1 - Math.floor(r() * 100))],
  ['prompt_tokens fraction', set('prompt_tokens', (r) => 1.5 + Math.floor(r() * 10))],
  ['completion_tokens huge', set('completion_tokens', () => 2 ** 40)],
  ['spend negative', set('spend', (r) => `-${r().toFixed(6)}`)],
  ['spend negative number', set('spend', (r) => -r())],
  ['spend words', set('spend', () => 'a lot')],
  ['spend NaN text', set('spend', () => 'NaN')],
  ['spend Infinity text', set('spend', () => 'Infinity')],
  ['spend 13 decimals', set('spend', (r) => `0.${String(Math.floor(r() * 1e12)).padStart(12, '0')}1`)],
  ['spend too large', set('spend', () => '1e12')],
  ['spend hex', set('spend', () => '0x10')],
  ['spend boolean', set('spend', () => true)],
  ['spend null', set('spend', () => null)],
  ['spend object', set('spend', () => ({ usd: 1 }))],
  ['status unknown', set('status', () => 'ok')],
  ['metadata array', set('metadata', () => [1, 2])],
  ['metadata string', set('metadata', () => 'meta')],
  ['metadata too big', set('metadata', (r) => ({ blob: 'm'.repeat(16_400 + Math.floor(r() * 1000)) }))],
  ['metadata NUL', set('metadata', () => ({ a: 'x\u0000y' }))],
  ['event is a number', () => 42],
  ['event is a string', () => 'event'],
  ['event is null', () => null],
];

/** Whole-request problems: not JSON, wrong content type, too deep, too large, too many events. */
function requestLevel(r: () => number, id: () => string): BadRequest[] {
  return [
    { label: 'not JSON', body: `{"request_id": "${id()}", ` },
    { label: 'plain text', body: 'hello', contentType: 'text/plain' },
    { label: 'form encoded', body: 'a=1', contentType: 'application/x-www-form-urlencoded' },
    { label: 'no content type', body: JSON.stringify(valid(id())), contentType: '' },
    { label: 'deep JSON', body: nest(40 + Math.floor(r() * 10_000)) },
    {
      label: 'deep metadata',
      body: JSON.stringify({ ...valid(id()), metadata: { a: JSON.parse(nest(40)) } }),
    },
    {
      label: 'oversized',
      body: JSON.stringify({ ...valid(id()), metadata: { a: 'x'.repeat(5 * 1024 * 1024 + 1) } }),
    },
    { label: 'empty batch', body: '[]' },
    { label: 'too many events', body: JSON.stringify(Array.from({ length: 1_001 }, () => valid(id()))) },
    {
      label: 'batch with one bad event',
      body: JSON.stringify([valid(id()), { ...valid(id()), spend: '-1' }]),
    },
  ];
}

describe('malformed requests at the gateway', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 1 });
  });
  after(async () => {
    await p?.stop();
  });

  it('answers each of at least 1,000 malformed requests with a 4xx JSON error and writes nothing', async () => {
    const run = uniqueSuffix();
    const r = seededRandom(7);
    let n = 0;
    const id = () => `bad-${run}-${n++}`;
    const requests: BadRequest[] = [];
    while (requests.length < 1_000) {
      for (const [label, mutate] of MUTATIONS)
        requests.push({ label, body: JSON.stringify(mutate(valid(id()), r)) });
      // The same mistakes inside a batch of otherwise valid events.
      for (const [label, mutate] of MUTATIONS.slice(0, 10)) {
        requests.push({
          label: `batch: ${label}`,
          body: JSON.stringify([valid(id()), mutate(valid(id()), r)]),
        });
      }
      requests.push(...requestLevel(r, id));
    }
    const before = await topicSize(p);
    const failures: string[] = [];
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let req = queue.shift(); req; req = queue.shift()) {
          const res = await p.post(
            req.body,
            req.contentType === undefined ? {} : { contentType: req.contentType },
          );
          const body = (await res.json().catch(() => null)) as {
            error?: { code?: string; message?: string; details?: Array<{ field?: string }> };
          } | null;
          const ok =
            res.status >= 400 &&
            res.status < 500 &&
            typeof body?.error?.code === 'string' &&
            (body.error.message ?? '').length > 0 &&
            (res.status !== 400 ||
              body.error.code !== 'VALIDATION_FAILED' ||
              (body.error.details?.[0]?.field ?? '') !== '');
          if (!ok) failures.push(`${req.label}: ${res.status} ${JSON.stringify(body)?.slice(0, 200)}`);
        }
      }),
    );
    assert.ok(requests.length >= 1_000);
    assert.deepEqual(failures, []);

    // The gateway is still up and still accepts a good event; nothing bad reached the topic or ledger.
    assert.equal((await fetch(`${p.gateway.opsUrl}/healthz`)).status, 200);
    assert.equal(await topicSize(p), before, 'no malformed request published anything');
    const good = aSpendEvent({ request_id: `good-${run}` });
    assert.equal((await p.post(good)).status, 202);
    await p.waitForLagZero();
    const rows = await p.database.db.execute<{ n: string }>(
      sql`select count(*)::text as n from spend_logs where request_id like ${`bad-${run}-%`}`,
    );
    assert.equal(rows[0]?.n, '0');
    assert.equal((await p.get<{ request_id: string }>(`/v1/logs/good-${run}`)).status, 200);
  });
});

async function topicSize(p: Pipeline): Promise<number> {
  const admin = p.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(p.topic)).reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}
