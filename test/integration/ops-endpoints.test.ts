import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aSpendEvent, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { type Pipeline, QUERY_TOKEN, startPipeline } from './support/pipeline.ts';

/** Operational endpoints live on each service's ops port only; the metrics they serve are current. */
describe('ops ports and metrics', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline({ partitions: 2 });
  });
  after(async () => {
    await p?.stop();
  });

  it('serves /healthz, /readyz and /metrics on the ops port, not on the public port', async () => {
    for (const service of [p.gateway, p.query]) {
      assert.notEqual(service.opsUrl, service.url);
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        assert.equal((await fetch(`${service.opsUrl}${path}`)).status, 200, `${service.opsUrl}${path}`);
        const res = await fetch(`${service.url}${path}`);
        assert.ok(res.status === 404 || res.status === 401, `${service.url}${path} answered ${res.status}`);
      }
    }
    assert.equal((await fetch(`${p.query.url}/openapi.json`)).status, 200, 'the public API still answers');
  });

  it('records query latency by route pattern and status, never by raw path', async () => {
    const team = `team-${uniqueSuffix()}`;
    const res = await fetch(`${p.query.url}/v1/spend/team/${team}`, {
      headers: { authorization: `Bearer ${QUERY_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.equal((await fetch(`${p.query.url}/v1/spend/team/${team}`)).status, 401);
    const metrics = await (await fetch(`${p.query.opsUrl}/metrics`)).text();
    const series = metrics
      .split('\n')
      .filter((l) => l.startsWith('query_http_request_duration_seconds_count'));
    const spend = series.filter((l) => l.includes('route="/v1/spend/:entity_type/:entity_id"'));
    assert.ok(
      spend.some((l) => l.includes('status="200"')),
      `no 200 series: ${series.join('\n')}`,
    );
    assert.ok(
      spend.some((l) => l.includes('status="401"')),
      `no 401 series: ${series.join('\n')}`,
    );
    assert.ok(!metrics.includes(team), 'the raw path (an entity id) is never a label');
    assert.match(metrics, /query_http_request_duration_seconds_bucket\{/);
  });

  it("refreshes the writer's lag gauge on its own, without /lag being called", async () => {
    assert.equal((await p.post(aSpendEvent({ request_id: `ops-${uniqueSuffix()}` }))).status, 202);
    await p.waitForLagZero();
    const writer = p.writers[0]!;
    const series = await waitUntil(
      async () => {
        const text = await (await fetch(`${writer.opsUrl}/metrics`)).text();
        const lines = text.split('\n').filter((l) => l.startsWith('writer_consumer_lag_messages{'));
        // Both partitions, each at zero: the timer read the group's committed offsets.
        return lines.length === 2 && lines.every((l) => l.endsWith(' 0')) ? lines : undefined;
      },
      { description: 'the lag gauge to show both partitions at zero', timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.deepEqual(series.map((l) => /partition="(\d+)"/.exec(l)?.[1]).sort(), ['0', '1']);
  });
});
