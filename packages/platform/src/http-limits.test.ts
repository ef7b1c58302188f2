import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { parseConfig } from './config.ts';
import { checkHttpLimits, HTTP_LIMITS_ENV, type HttpLimits, httpLimitsOf } from './http-limits.ts';
import { type Listening, listen } from './running-service.ts';

const LIMITS: HttpLimits = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 200,
  maxConnections: 3,
  maxHeadersCount: 20,
  maxHeaderBytes: 4096,
};

/** Opens a raw TCP connection and records whether (and when) the server closed it. */
function openSocket(url: string): Promise<{ socket: Socket; closed: Promise<number>; data: () => string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect(Number(port), hostname, () => {
      resolve({ socket, closed, data: () => received });
    });
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.once('error', reject);
  });
}

describe('listen() with HTTP limits', () => {
  let http: Listening;
  before(async () => {
    http = await listen(
      (request) => new Response(String([...request.headers.keys()].length)),
      '127.0.0.1',
      0,
      LIMITS,
    );
  });
  after(async () => {
    await http.close();
  });

  it('sets every limit on the Node server', () => {
    const s = http.server as unknown as Record<string, unknown>;
    assert.equal(s.headersTimeout, 300);
    assert.equal(s.requestTimeout, 600);
    assert.equal(s.keepAliveTimeout, 200);
    assert.equal(s.maxConnections, 3);
    assert.equal(s.maxHeadersCount, 20);
  });

  it('closes a connection whose headers never finish (slowloris)', async () => {
    const c = await openSocket(http.url);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const ms = await c.closed;
    assert.ok(ms < 3_000, `closed after ${ms} ms`);
    assert.match(c.data(), /^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection', async () => {
    const c = await openSocket(http.url);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const ms = await c.closed;
    assert.match(c.data(), /^HTTP\/1\.1 200/);
    assert.ok(ms < 3_000, `closed after ${ms} ms`);
  });

  it('refuses headers over the size limit with 431', async () => {
    const res = await fetch(http.url, { headers: { 'x-big': 'b'.repeat(8_000) } });
    assert.equal(res.status, 431);
  });

  it('does not read every header of a request with hundreds', async () => {
    const headers = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, '1']));
    const res = await fetch(http.url, { headers });
    // Node applies the count per batch of up to 32 parsed headers, so the cut is not exact.
    const read = Number(await res.text());
    assert.ok(read < 60, `${read} headers read`);
  });

  it('drops connections past maxConnections', async () => {
    const open = await Promise.all([openSocket(http.url), openSocket(http.url), openSocket(http.url)]);
    const extra = await openSocket(http.url);
    const ms = await extra.closed;
    assert.ok(ms < 1_000, `the fourth connection was closed after ${ms} ms`);
    assert.equal(extra.data(), '');
    for (const c of open) c.socket.destroy();
  });
});

describe('HTTP limits from the environment', () => {
  const Schema = z.object(HTTP_LIMITS_ENV).superRefine(checkHttpLimits).transform(httpLimitsOf);

  it('has documented defaults', () => {
    assert.deepEqual(parseConfig(Schema, {}), {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_000,
      maxHeadersCount: 100,
      maxHeaderBytes: 16_384,
    });
  });

  it('refuses a headers timeout longer than the request timeout, naming the variable', () => {
    assert.throws(
      () => parseConfig(Schema, { HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }),
      /HTTP_HEADERS_TIMEOUT_MS/,
    );
  });
});
