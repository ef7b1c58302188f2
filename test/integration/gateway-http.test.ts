import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aSpendEvent } from '@spend-ledger/testing';
import { type Pipeline, startPipeline } from './support/pipeline.ts';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: Array<{ field: string; index?: number }>;
  };
}

describe('gateway HTTP contract', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 1 });
  });
  after(async () => {
    await p?.stop();
  });

  const expectError = async (res: Response, status: number, code: string): Promise<ErrorBody> => {
    assert.equal(res.status, status);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, code);
    assert.ok(body.error.message.length > 0);
    assert.ok(body.error.requestId.length > 0);
    return body;
  };

  it('refuses a missing or wrong bearer token with 401', async () => {
    await expectError(await p.post(aSpendEvent(), { token: 'wrong-token-0123456789' }), 401, 'UNAUTHORIZED');
    const res = await fetch(`${p.gateway.url}/v1/events`, { method: 'POST', body: '{}' });
    await expectError(res, 401, 'UNAUTHORIZED');
  });

  it('refuses bodies that are not JSON with 415 or 400', async () => {
    await expectError(await p.post('{}', { contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectError(await p.post('{"request_id": '), 400, 'INVALID_JSON');
    await expectError(await p.post(`${'['.repeat(10_000)}${']'.repeat(10_000)}`), 400, 'INVALID_JSON');
  });

  it('refuses an empty batch and one over the size limit', async () => {
    await expectError(await p.post([]), 400, 'VALIDATION_FAILED');
    const tooMany = Array.from({ length: 1_001 }, () => aSpendEvent());
    await expectError(await p.post(tooMany), 400, 'VALIDATION_FAILED');
    const huge = JSON.stringify(aSpendEvent({ metadata: { blob: 'x'.repeat(6 * 1024 * 1024) } }));
    await expectError(await p.post(huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('names the index and field of each invalid event', async () => {
    const body = await expectError(
      await p.post([
        aSpendEvent(),
        aSpendEvent({ timestamp: 'yesterday' }),
        aSpendEvent({ spend: '0.1234567890123' }),
      ]),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual(
      body.error.details?.map((d) => [d.index, d.field]),
      [
        [1, 'timestamp'],
        [2, 'spend'],
      ],
    );
  });

  it('answers health, readiness and metrics on its ops port', async () => {
    assert.equal((await fetch(`${p.gateway.opsUrl}/healthz`)).status, 200);
    const ready = await fetch(`${p.gateway.opsUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { kafka: 'ok' } });
    const metrics = await (await fetch(`${p.gateway.opsUrl}/metrics`)).text();
    assert.match(metrics, /gateway_events_rejected_total/);
  });

  it('returns JSON 404 for unknown routes', async () => {
    const res = await fetch(`${p.gateway.url}/nope`);
    await expectError(res, 404, 'NOT_FOUND');
  });
});
