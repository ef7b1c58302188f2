import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase, uniqueSuffix, waitUntil } from '@spend-ledger/testing';
import { type ChildService, spawnService } from '../../bench/lib/child-service.ts';
import { INGEST_TOKEN, KAFKA_BROKERS, QUERY_TOKEN } from '../integration/support/pipeline.ts';

/**
 * The three services as production runs them: `node services/<name>/dist/main.js` (built by npm
 * test), in child processes, against the real broker and a database of their own. Catches what only
 * the bundles can get wrong: a path computed from import.meta.url (the dashboard's assets, the
 * migrations), a module left out, a service that does not start without tsx.
 */
describe('compiled services', () => {
  let database: TestDatabase;
  const services: ChildService[] = [];
  const suffix = uniqueSuffix();
  before(async () => {
    database = await createTestDatabase();
    const env = {
      KAFKA_BROKERS,
      SPEND_TOPIC: `compiled-${suffix}`,
      DEAD_LETTER_TOPIC: `compiled-${suffix}.dlq`,
      SPEND_TOPIC_PARTITIONS: '1',
      DATABASE_URL: database.url,
      // spawnService waits for the "listening" line, logged at info.
      LOG_LEVEL: 'info',
    };
    services.push(
      ...(await Promise.all([
        spawnService('gateway', {
          label: 'gateway',
          env: { ...env, GATEWAY_PORT: '0', LEDGER_INGEST_TOKENS: INGEST_TOKEN },
        }),
        spawnService('ledger-writer', {
          label: 'writer',
          env: { ...env, WRITER_PORT: '0', WRITER_GROUP_ID: `compiled-${suffix}` },
        }),
        spawnService('query-api', {
          label: 'query-api',
          env: { ...env, QUERY_PORT: '0', LEDGER_QUERY_TOKENS: QUERY_TOKEN },
        }),
      ])),
    );
  });
  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await database?.drop();
  });

  it('start, turn ready on their ops ports, and carry an event from the gateway to the query API', async () => {
    const [gateway, writer, query] = services as [ChildService, ChildService, ChildService];
    for (const s of services) {
      await waitUntil(async () => (await fetch(`${s.opsUrl}/readyz`)).status === 200 || undefined, {
        description: `${s.label} to be ready`,
        timeoutMs: 60_000,
      });
    }
    assert.notEqual(gateway.opsUrl, gateway.url);
    const team = `team-${suffix}`;
    const posted = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: `compiled-${suffix}`,
        timestamp: '2026-11-28T10:00:00Z',
        api_key: 'sk-compiled-test',
        team_id: team,
        model: 'gpt-4o',
        spend: '0.25',
      }),
    });
    assert.equal(posted.status, 202);
    const totals = await waitUntil(
      async () => {
        const res = await fetch(`${query.url}/v1/spend/team/${team}`, {
          headers: { authorization: `Bearer ${QUERY_TOKEN}` },
        });
        const body = (await res.json()) as { spend: string; api_requests: number };
        return body.api_requests === 1 ? body : undefined;
      },
      { description: 'the event to be queryable', timeoutMs: 60_000 },
    );
    assert.equal(totals.spend, '0.250000000000');
    const lag = (await (await fetch(`${writer.opsUrl}/lag`)).json()) as { total: number };
    assert.equal(lag.total, 0);
  });

  it('serves the dashboard and the API reference from the bundle', async () => {
    const query = services[2] as ChildService;
    const ui = await fetch(`${query.url}/ui/`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /<script[^>]+src="\/ui\/assets\//);
    assert.equal((await fetch(`${query.url}/openapi.json`)).status, 200);
  });
});
