import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type OutgoingMessage, PublishError } from '@spend-ledger/kafka';
import {
  createLogger,
  createMetricsRegistry,
  type Listening,
  listen,
  type NodeFastPath,
  type Registry,
} from '@spend-ledger/platform';
import { aSpendEvent } from '@spend-ledger/testing';
import { createGatewayApp } from './app.ts';
import { ingestFastPath } from './ingest-fast-path.ts';
import { createGatewayMetrics } from './metrics.ts';
import { SpendPricer } from './pricing/spend-pricer.ts';
import { requestRecorder } from './request-log.ts';

const TOKEN = 'fast-path-token-0123456789';
const MAX_BODY_BYTES = 4_096;

interface RawAnswer {
  status: number;
  /** Header names and values in wire order; Date dropped, our request id replaced by "<id>". */
  headers: string[];
  body: string;
}

/** One gateway (hono app, optionally with the fast path in front) over a publisher the test steers. */
async function startGateway(withFastPath: boolean) {
  const registry: Registry = createMetricsRegistry('fast-path-test');
  const metrics = createGatewayMetrics(registry);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    service: 'gateway',
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  });
  const publisher = {
    failing: false,
    published: [] as OutgoingMessage[],
    async publish(messages: OutgoingMessage[]) {
      if (this.failing) throw new PublishError('broker down');
      this.published.push(...messages);
    },
  };
  const deps = {
    publisher,
    ingestTokens: [TOKEN],
    log,
    metrics,
    maxBodyBytes: MAX_BODY_BYTES,
    maxEventsPerRequest: 10,
    retryAfterSeconds: 2,
    pricer: new SpendPricer(undefined),
    litellmMaxBodyBytes: MAX_BODY_BYTES,
    recordRequest: requestRecorder({ log, metrics }),
  };
  const app = createGatewayApp(deps);
  let taken = 0;
  const fast = ingestFastPath(deps);
  const counting: NodeFastPath = (req, res) => {
    const handled = fast(req, res);
    if (handled) taken++;
    return handled;
  };
  const http: Listening = await listen(
    app.fetch,
    '127.0.0.1',
    0,
    undefined,
    withFastPath ? counting : undefined,
  );
  return { http, registry, lines, publisher, taken: () => taken };
}

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** A request as raw as the client sent it, the answer with its headers in wire order. */
function send(
  gateway: Gateway,
  options: { method?: string; path?: string; headers?: Array<[string, string]>; body?: string },
): Promise<RawAnswer> {
  const url = new URL(gateway.http.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/v1/events',
        // Raw pairs keep repeated headers apart; then Node adds neither Host nor a body framing.
        headers: [
          ['host', url.host],
          ...(options.headers ?? []),
          ...(options.body !== undefined && !options.headers?.some(([n]) => n === 'transfer-encoding')
            ? [['content-length', String(Buffer.byteLength(options.body))]]
            : []),
        ].flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const id = res.headers['x-request-id'];
          const headers: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i] as string;
            if (name.toLowerCase() === 'date') continue;
            headers.push(
              name,
              name.toLowerCase() === 'x-request-id' ? '<id>' : (res.rawHeaders[i + 1] as string),
            );
          }
          const body = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: id ? body.replaceAll(String(id), '<id>') : body,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (body: unknown, extra: Array<[string, string]> = []) => ({
  headers: [['authorization', `Bearer ${TOKEN}`], ['content-type', 'application/json'], ...extra] as Array<
    [string, string]
  >,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** Log lines without what differs between two runs (time, pid, ids, duration). */
const comparable = (lines: Record<string, unknown>[]) =>
  lines
    .filter((l) => l.msg !== 'gateway listening')
    .map(({ time, pid, hostname, requestId, ms, ...rest }) => rest);

describe('POST /v1/events fast path', () => {
  let hono: Gateway;
  let fast: Gateway;
  before(async () => {
    [hono, fast] = await Promise.all([startGateway(false), startGateway(true)]);
  });
  after(async () => {
    await Promise.all([hono?.http.close(), fast?.http.close()]);
  });

  /** Sends the same request to both gateways; their answers must be identical. */
  const same = async (
    name: string,
    options: Parameters<typeof send>[1],
    expect: { status: number; fastPath: boolean },
    setup?: (g: Gateway) => void,
  ) => {
    for (const g of [hono, fast]) setup?.(g);
    const takenBefore = fast.taken();
    const [a, b] = [await send(hono, options), await send(fast, options)];
    assert.deepEqual(b, a, name);
    assert.equal(a.status, expect.status, `${name}: ${a.body}`);
    assert.equal(fast.taken() - takenBefore, expect.fastPath ? 1 : 0, `${name}: taken by the fast path`);
    return a;
  };

  it('answers every case exactly as the hono app does', async () => {
    const event = aSpendEvent();
    const accepted = await same('accepted', json(event, [['x-request-id', 'client-1']]), {
      status: 202,
      fastPath: true,
    });
    assert.equal(accepted.body, '{"accepted":1}');
    await same('a batch', json([aSpendEvent(), aSpendEvent()]), { status: 202, fastPath: true });
    await same('invalid JSON', json('{"request_id": '), { status: 400, fastPath: true });
    await same('duplicate key', json('{"spend":"1","spend":"2"}'), { status: 400, fastPath: true });
    await same('invalid UTF-8', json('"\udc00"'), { status: 400, fastPath: true });
    await same('empty batch', json([]), { status: 400, fastPath: true });
    await same('too large by Content-Length', json({ blob: 'x'.repeat(MAX_BODY_BYTES) }), {
      status: 413,
      fastPath: true,
    });
    await same(
      'too large while streaming',
      {
        headers: [
          ['authorization', `Bearer ${TOKEN}`],
          ['content-type', 'application/json'],
          ['transfer-encoding', 'chunked'],
        ],
        body: JSON.stringify({ blob: 'x'.repeat(MAX_BODY_BYTES) }),
      },
      { status: 413, fastPath: true },
    );
    const invalid = await same(
      'validation failure',
      json([aSpendEvent(), aSpendEvent({ timestamp: 'yesterday' }), aSpendEvent({ spend: '-1' })]),
      { status: 400, fastPath: true },
    );
    assert.match(invalid.body, /"index":1,"field":"timestamp"/);
    await same('Kafka unavailable', json(aSpendEvent()), { status: 503, fastPath: true }, (g) => {
      g.publisher.failing = true;
    });
    for (const g of [hono, fast]) g.publisher.failing = false;

    // Left to hono: its answer is the hono app's by construction; checked all the same.
    await same(
      'no token',
      { headers: [['content-type', 'application/json']], body: '{}' },
      {
        status: 401,
        fastPath: false,
      },
    );
    await same(
      'wrong token',
      {
        headers: [
          ['authorization', 'Bearer wrong-token-0123456789'],
          ['content-type', 'application/json'],
        ],
        body: '{}',
      },
      { status: 401, fastPath: false },
    );
    await same(
      'malformed Authorization',
      {
        headers: [
          ['authorization', `Basic ${TOKEN}`],
          ['content-type', 'application/json'],
        ],
        body: '{}',
      },
      { status: 401, fastPath: false },
    );
    await same(
      'lower-case scheme',
      {
        headers: [
          ['authorization', `bearer ${TOKEN}`],
          ['content-type', 'application/json'],
        ],
        body: JSON.stringify(event),
      },
      { status: 202, fastPath: false },
    );
    await same('repeated Authorization', json(event, [['authorization', 'Bearer wrong-token-0123456789']]), {
      status: 401,
      fastPath: false,
    });
    await same(
      'wrong content type',
      {
        ...json('{}'),
        headers: [
          ['authorization', `Bearer ${TOKEN}`],
          ['content-type', 'text/plain'],
        ],
      },
      {
        status: 415,
        fastPath: false,
      },
    );
    await same('query string', { ...json(event), path: '/v1/events?x=1' }, { status: 202, fastPath: false });
    await same(
      'GET',
      { method: 'GET', headers: [['authorization', `Bearer ${TOKEN}`]] },
      {
        status: 404,
        fastPath: false,
      },
    );

    // The same events reached the publisher, the same metrics and the same log lines came out.
    assert.deepEqual(
      fast.publisher.published.map((m) => m.value),
      hono.publisher.published.map((m) => m.value),
    );
    assert.ok(hono.publisher.published.length > 0);
    const metricsOf = async (g: Gateway) =>
      (await g.registry.metrics())
        .split('\n')
        .filter((l) => /^gateway_(?!publish_seconds)/.test(l))
        .join('\n');
    assert.equal(await metricsOf(fast), await metricsOf(hono));
    assert.match(
      await metricsOf(fast),
      /gateway_http_requests_total\{method="POST",route="\/v1\/events",status="202"/,
    );
    assert.deepEqual(comparable(fast.lines), comparable(hono.lines));
  });
});
