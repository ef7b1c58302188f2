import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger, type RunningService } from '@spend-ledger/platform';
import { aSpendEvent, LOCAL_BROKER_ENV, uniqueSuffix } from '@spend-ledger/testing';
import { GatewayConfigSchema } from '../../services/gateway/src/config.ts';
import { startGateway } from '../../services/gateway/src/start-gateway.ts';
import { KAFKA_BROKERS } from './support/pipeline.ts';

const TOKEN = 'test-gateway-hardening-token-0123';
type ErrorBody = {
  error: { code: string; message: string; requestId: string; details?: { field: string; index?: number }[] };
};

describe('gateway: strict parsing, request ids, logs and server limits', () => {
  const lines: string[] = [];
  let gateway: RunningService;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body,
    });

  before(async () => {
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    gateway = await startGateway(
      GatewayConfigSchema.parse({
        ...LOCAL_BROKER_ENV,
        KAFKA_BROKERS,
        SPEND_TOPIC: `spend-events-hardening-${uniqueSuffix()}`,
        SPEND_TOPIC_PARTITIONS: '1',
        GATEWAY_PORT: '0',
        LEDGER_INGEST_TOKENS: TOKEN,
        HTTP_HEADERS_TIMEOUT_MS: '400',
        HTTP_REQUEST_TIMEOUT_MS: '800',
      }),
      createLogger({ service: 'gateway-test', level: 'debug', destination: capture }),
    );
  });
  after(async () => {
    await gateway?.stop();
  });

  const expect400 = async (res: Response, field: string, index?: number) => {
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(['INVALID_JSON', 'VALIDATION_FAILED'].includes(body.error.code));
    const detail = body.error.details?.find((d) => d.field === field);
    assert.ok(detail, `names ${field}: ${JSON.stringify(body.error.details)}`);
    if (index !== undefined) assert.equal(detail.index, index);
    return body;
  };

  it('refuses a body that is not valid UTF-8', async () => {
    const json = Buffer.from(JSON.stringify(aSpendEvent({ user_id: 'XX' })));
    const at = json.indexOf('XX');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    const body = await expect400(await post(json), '(body)');
    assert.match(body.error.message, /UTF-8/);
  });

  it('refuses duplicate keys, naming the key and the event', async () => {
    const second = JSON.stringify(aSpendEvent({ spend: '1' })).replace(
      '"spend":"1"',
      '"spend":"1","spend":"99"',
    );
    const body = await expect400(await post(`[${JSON.stringify(aSpendEvent())},${second}]`), 'spend', 1);
    assert.match(body.error.message, /duplicate key "spend"/);
  });

  it('applies one rule to spend: no minus sign in any form, no blanks around text', async () => {
    for (const spend of ['" 1.5"', '"1.5 "', '-0', '-0.0', '-1e-400', '"-0"']) {
      const json = JSON.stringify(aSpendEvent({ spend: 'SPEND' })).replace('"SPEND"', spend);
      await expect400(await post(json), 'spend', 0);
    }
    assert.equal((await post(JSON.stringify(aSpendEvent({ spend: 0 })))).status, 202, 'zero itself is fine');
  });

  it("answers its own X-Request-Id and logs the client's apart, cleaned", async () => {
    const res = await post('{', { 'x-request-id': 'client\t-id\u00ad' });
    const body = (await res.json()) as ErrorBody;
    const ours = res.headers.get('x-request-id') ?? '';
    assert.match(ours, /^[0-9a-f-]{36}$/);
    assert.equal(body.error.requestId, ours);
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === ours);
    assert.ok(line, 'the request was logged with our id');
    assert.equal(line.clientRequestId, 'client-id');
    assert.equal(line.route, '/v1/events');
  });

  it('never logs a raw key, a metadata secret or the event', async () => {
    const raw = 'sk-live-gateway-secret-0001';
    const res = await post(
      JSON.stringify(aSpendEvent({ api_key: raw, metadata: { authorization: `Bearer ${raw}x` } })),
    );
    assert.equal(res.status, 202);
    await post(JSON.stringify(aSpendEvent({ api_key: raw, spend: '-1' })));
    const all = lines.join('');
    assert.ok(lines.length > 3);
    assert.equal(all.includes('gateway-secret'), false);
  });

  it('closes a connection whose headers never finish', async () => {
    const { hostname, port } = new URL(gateway.url);
    const started = Date.now();
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write('POST /v1/events HTTP/1.1\r\nHost: x\r\n'),
      );
      socket.once('close', () => resolve(Date.now() - started));
      socket.once('error', reject);
      socket.resume();
    });
    assert.ok(closed < 5_000, `closed after ${closed} ms`);
  });

  it('closes a connection whose body never finishes', async () => {
    const { hostname, port } = new URL(gateway.url);
    const started = Date.now();
    const closed = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[`,
        ),
      );
      socket.once('close', () => resolve(Date.now() - started));
      socket.once('error', reject);
      socket.resume();
    });
    assert.ok(closed < 5_000, `closed after ${closed} ms`);
  });
});
