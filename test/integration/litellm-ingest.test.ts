import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { decodeRecord, formatSpend, spendToUnits } from '@spend-ledger/contract';
import { createKafka, ensureTopics, type KafkaMessage } from '@spend-ledger/kafka';
import type { RunningService } from '@spend-ledger/platform';
import {
  aSpendEvent,
  aSpendLogRow,
  aStandardLoggingPayload,
  LOCAL_BROKER_ENV,
  LOCAL_TOPIC_DURABILITY,
  litellmKeyHash,
  uniqueSuffix,
  waitUntil,
} from '@spend-ledger/testing';
import { pino } from 'pino';
import { GatewayConfigSchema } from '../../services/gateway/src/config.ts';
import { startGateway } from '../../services/gateway/src/start-gateway.ts';
import { INGEST_TOKEN, KAFKA_BROKERS, type Pipeline, startPipeline } from './support/pipeline.ts';

type Json = Record<string, unknown>;
interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Array<{ index?: number; field: string; message: string }>;
  };
}

/** POSTs a LiteLLM body as LiteLLM does (application/json, whatever the format). */
function postTo(
  baseUrl: string,
  path: string,
  body: unknown,
  init: { token?: string | null; contentType?: string } = {},
): Promise<Response> {
  const token = init.token === undefined ? INGEST_TOKEN : init.token;
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': init.contentType ?? 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const ndjson = (items: unknown[]) => `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;

async function topicEnd(p: Pipeline, topic = p.topic): Promise<number> {
  const admin = p.kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The request_ids of one record: one event (v1) or an envelope of several (v2). */
function requestIdsOf(message: KafkaMessage): string[] {
  const decoded = decodeRecord(
    message.headers?.['contract-version']?.toString(),
    message.value?.toString() ?? '',
  );
  assert.ok(decoded.ok, 'every record on the topic decodes');
  return decoded.items.map(({ value }) => (value as { request_id: string }).request_id);
}

/** Every request_id on the topic (read from the beginning by a group of its own), with repeats. */
async function requestIdsOnTopic(p: Pipeline, expectedAtLeast: number): Promise<string[]> {
  const consumer = p.kafka.consumer({ groupId: `litellm-reader-${uniqueSuffix()}` });
  const ids: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: p.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        ids.push(...requestIdsOf(message));
      },
    });
    await waitUntil(() => (ids.length >= expectedAtLeast ? true : undefined), {
      description: `${expectedAtLeast} messages read back from the topic`,
      timeoutMs: 60_000,
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('LiteLLM ingest: generic_api and SPEND_LOGS_URL through the real gateway, broker and ledger', () => {
  let p: Pipeline;
  const s = uniqueSuffix();
  const ids = {
    key1: litellmKeyHash(`sk-key-one-${s}`),
    key2: litellmKeyHash(`sk-key-two-${s}`),
    user1: `alice-${s}`,
    user2: `bob-${s}`,
    team1: `research-${s}`,
    team2: `support-${s}`,
    org: `acme-${s}`,
    endUser1: `customer-1-${s}`,
    endUser2: `customer-2-${s}`,
    tagA: `prod-${s}`,
    tagB: `batch-${s}`,
  };
  const md = (key: string, user: string, team: string) => ({
    user_api_key_hash: key,
    user_api_key_user_id: user,
    user_api_key_team_id: team,
    user_api_key_org_id: ids.org,
  });
  const meta = (key: string, user: string, team: string) => ({
    user_api_key: key,
    user_api_key_user_id: user,
    user_api_key_team_id: team,
    user_api_key_org_id: ids.org,
  });

  // Six requests, one per format, with the entity each is expected to count for.
  const success = aStandardLoggingPayload(
    { end_user: ids.endUser1, request_tags: [ids.tagA, ids.tagB] },
    md(ids.key1, ids.user1, ids.team1),
  );
  const failure = aStandardLoggingPayload(
    {
      status: 'failure',
      response_cost: 0.0,
      prompt_tokens: 0,
      completion_tokens: 0,
      request_tags: [ids.tagA],
    },
    md(ids.key1, ids.user1, ids.team1),
  );
  const cacheHit = aStandardLoggingPayload(
    { cache_hit: true, response_cost: 0.0, end_user: ids.endUser1, request_tags: [ids.tagB] },
    md(ids.key1, ids.user1, ids.team1),
  );
  const noKeyNoCost = aStandardLoggingPayload(
    {
      response_cost: null,
      prompt_tokens: 1000,
      completion_tokens: 100,
      end_user: ids.endUser1,
      request_tags: [ids.tagA],
      startTime: '2025-01-24 09:20:46.847371',
    },
    { ...md('', ids.user2, ids.team1), user_api_key_hash: null },
  );
  const row = aSpendLogRow(
    {
      api_key: ids.key1,
      user: ids.user1,
      team_id: ids.team1,
      organization_id: ids.org,
      end_user: ids.endUser2,
      spend: 0.1 + 0.2,
      request_tags: JSON.stringify([ids.tagA]),
    },
    meta(ids.key1, ids.user1, ids.team1),
  );
  const pathTokenRow = aSpendLogRow(
    {
      api_key: ids.key2,
      user: ids.user2,
      team_id: ids.team2,
      organization_id: ids.org,
      spend: 1.0000000000000002e-7,
      request_tags: JSON.stringify([ids.tagB]),
      startTime: '2025-01-24T10:20:46.847371+01:00',
    },
    meta(ids.key2, ids.user2, ids.team2),
  );
  const expectedSpend = new Map<unknown, string>([
    [success, '0.000225'],
    [failure, '0'],
    [cacheHit, '0'],
    [noKeyNoCost, '0.00021'], // priced: 1000 × 0.15 + 100 × 0.60 USD per million (gpt-4o-mini)
    [row, '0.3'],
    [pathTokenRow, '0.0000001'],
  ]);
  const requestIds = [success, failure, cacheHit, noKeyNoCost].map((x) => x.litellm_call_id as string);
  requestIds.push(row.request_id as string, pathTokenRow.request_id as string);

  const send = async () => {
    const url = p.gateway.url;
    const responses = [
      await postTo(url, '/v1/litellm/logs', [success, failure]),
      await postTo(url, '/v1/litellm/logs', ndjson([cacheHit])),
      await postTo(url, '/v1/litellm/logs', noKeyNoCost),
      await postTo(url, '/v1/litellm/spend/update', [row]),
      await postTo(url, `/v1/litellm/t/${INGEST_TOKEN}/spend/update`, [pathTokenRow], { token: null }),
    ];
    return Promise.all(responses.map(async (r) => [r.status, await r.json()]));
  };

  before(async () => {
    p = await startPipeline({ partitions: 2 });
  });
  after(async () => {
    await p?.stop();
  });

  it('answers 200 to every format only once the events are on the topic', async () => {
    const before = await topicEnd(p);
    assert.deepEqual(await send(), [
      [200, { accepted: 2 }],
      [200, { accepted: 1 }],
      [200, { accepted: 1 }],
      [200, { accepted: 1 }],
      [200, { accepted: 1 }],
    ]);
    // acks=all before the answer: the records are in the log the moment the 200 arrives. Six events
    // in five requests: the first request's two events share one envelope record when they share a
    // partition (topic contract v2), so five or six records.
    const added = (await topicEnd(p)) - before;
    assert.ok(added === 5 || added === 6, `${added} records for six events in five requests`);
  });

  it('counts exact totals for key, user, team, org, end user and tag, and each request once when resent', async () => {
    assert.deepEqual(
      (await send()).map(([status]) => status),
      [200, 200, 200, 200, 200],
      'the same payloads again',
    );
    const onTopic = await requestIdsOnTopic(p, 12);
    for (const id of requestIds) {
      assert.equal(
        onTopic.filter((x) => x === id).length,
        2,
        `${id} published twice with the same request_id`,
      );
    }
    await p.waitForLagZero();

    const expect = (items: unknown[]) => ({
      spend: formatSpend(
        items.reduce<bigint>((sum, i) => sum + spendToUnits(expectedSpend.get(i) ?? 'x'), 0n),
      ),
      api_requests: items.length,
    });
    const cases: Array<[string, string, unknown[]]> = [
      ['key', ids.key1, [success, failure, cacheHit, row]],
      ['key', ids.key2, [pathTokenRow]],
      ['user', ids.user1, [success, failure, cacheHit, row]],
      ['user', ids.user2, [noKeyNoCost, pathTokenRow]],
      ['team', ids.team1, [success, failure, cacheHit, noKeyNoCost, row]],
      ['team', ids.team2, [pathTokenRow]],
      ['org', ids.org, [success, failure, cacheHit, noKeyNoCost, row, pathTokenRow]],
      ['end_user', ids.endUser1, [success, cacheHit, noKeyNoCost]],
      ['end_user', ids.endUser2, [row]],
      ['tag', ids.tagA, [success, failure, noKeyNoCost, row]],
      ['tag', ids.tagB, [success, cacheHit, pathTokenRow]],
    ];
    for (const [type, id, items] of cases) {
      const r = await p.get<{ spend: string; api_requests: number; failed_requests: number }>(
        `/v1/spend/${type}/${encodeURIComponent(id)}`,
      );
      assert.equal(r.status, 200);
      assert.deepEqual(
        { spend: r.body.spend, api_requests: r.body.api_requests },
        expect(items),
        `${type} ${id}`,
      );
    }
    const team = await p.get<{ failed_requests: number; successful_requests: number }>(
      `/v1/spend/team/${ids.team1}`,
    );
    assert.deepEqual([team.body.successful_requests, team.body.failed_requests], [4, 1]);

    const log = await p.get<{ timestamp: string; api_key: string; spend: string }>(
      `/v1/logs/${noKeyNoCost.litellm_call_id as string}`,
    );
    assert.equal(log.status, 200);
    assert.deepEqual(
      [log.body.timestamp, log.body.api_key, log.body.spend],
      ['2025-01-24T09:20:46.847Z', '', '0.000210000000'],
    );
    const byPath = await p.get<{ timestamp: string }>(`/v1/logs/${pathTokenRow.request_id as string}`);
    assert.equal(byPath.body.timestamp, '2025-01-24T09:20:46.847Z');
  });

  it('prices a /v1/events event that arrives without a cost the same way', async () => {
    const event = {
      ...aSpendEvent({
        model: 'gpt-4o-mini',
        provider: 'openai',
        prompt_tokens: 1000,
        completion_tokens: 100,
      }),
      spend: null,
    };
    assert.equal((await p.post(event)).status, 202);
    const log = await waitUntil(
      async () => {
        const r = await p.get<{ spend: string }>(`/v1/logs/${event.request_id}`);
        return r.status === 200 ? r.body : undefined;
      },
      { description: 'the priced event to reach the ledger' },
    );
    assert.equal(log.spend, '0.000210000000');
  });

  it('refuses a missing or wrong token with 401, in the header or in the path', async () => {
    const url = p.gateway.url;
    for (const res of [
      await postTo(url, '/v1/litellm/logs', [aStandardLoggingPayload()], { token: null }),
      await postTo(url, '/v1/litellm/logs', [aStandardLoggingPayload()], { token: 'wrong-token-0123456789' }),
      await postTo(url, '/v1/litellm/spend/update', [aSpendLogRow()], { token: null }),
      await postTo(url, '/v1/litellm/t/wrong-token-0123456789/spend/update', [aSpendLogRow()], {
        token: null,
      }),
      await postTo(url, `/v1/litellm/t/${INGEST_TOKEN}x/spend/update`, [aSpendLogRow()], { token: null }),
    ]) {
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'UNAUTHORIZED');
    }
  });

  it('refuses a batch with a bad item with 400 naming index and field, publishing nothing', async () => {
    const before = await topicEnd(p);
    const noStart = aStandardLoggingPayload({ startTime: null });
    const noId = aSpendLogRow({ request_id: null });
    const res = await postTo(p.gateway.url, '/v1/litellm/logs', [aStandardLoggingPayload(), noStart]);
    assert.equal(res.status, 400);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      body.error.details?.map((d) => [d.index, d.field]),
      [[1, 'startTime']],
    );
    const rows = await postTo(p.gateway.url, '/v1/litellm/spend/update', [
      aSpendLogRow(),
      aSpendLogRow(),
      noId,
    ]);
    assert.equal(rows.status, 400);
    assert.deepEqual(
      ((await rows.json()) as ErrorBody).error.details?.map((d) => [d.index, d.field]),
      [[2, 'request_id']],
    );
    const longModel = await postTo(p.gateway.url, '/v1/litellm/logs', [
      aStandardLoggingPayload({ model: 'm'.repeat(300) }),
    ]);
    assert.deepEqual(
      ((await longModel.json()) as ErrorBody).error.details?.map((d) => [d.index, d.field]),
      [[0, 'model']],
    );
    // A contract refusal is named in LiteLLM's terms too.
    const oldRow = await postTo(p.gateway.url, '/v1/litellm/spend/update', [
      aSpendLogRow({ startTime: '1999-12-31T23:00:00+00:00' }),
    ]);
    assert.deepEqual(
      ((await oldRow.json()) as ErrorBody).error.details?.map((d) => [d.index, d.field]),
      [[0, 'startTime']],
    );
    const notJson = await postTo(p.gateway.url, '/v1/litellm/logs', '{"id": 1}\n{oops');
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as ErrorBody).error.code, 'INVALID_JSON');
    assert.equal(await topicEnd(p), before, 'nothing was published');
  });

  it('serves an OpenAPI 3.1 document describing the ingest endpoints without a token', async () => {
    const res = await fetch(`${p.gateway.url}/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, '3.1.0');
    // validate() dereferences in place: give it a copy.
    await SwaggerParser.validate(structuredClone(doc) as never);
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/v1/events',
      '/v1/litellm/logs',
      '/v1/litellm/spend/update',
      '/v1/litellm/t/{token}/spend/update',
    ]);
  });
});

describe('LiteLLM ingest: what never leaks and what happens when Kafka does not acknowledge', () => {
  const lines: string[] = [];
  let gateway: RunningService | undefined;
  let unavailable: RunningService | undefined;
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const config = (overrides: Json) =>
    GatewayConfigSchema.parse({
      ...LOCAL_BROKER_ENV,
      KAFKA_BROKERS,
      GATEWAY_PORT: '0',
      GATEWAY_OPS_PORT: '0',
      LEDGER_INGEST_TOKENS: INGEST_TOKEN,
      SPEND_TOPIC_PARTITIONS: '1',
      ...overrides,
    });

  const missingTopic = `missing-${uniqueSuffix()}`;
  let sentToMissingTopic = false;

  before(async () => {
    gateway = await startGateway(config({ SPEND_TOPIC: `litellm-leak-${uniqueSuffix()}` }), log);
    // A topic that does not exist (and is not created; the broker does not auto-create): no ack.
    unavailable = await startGateway(
      config({ SPEND_TOPIC: missingTopic, CREATE_TOPICS: 'false', PUBLISH_ACK_TIMEOUT_MS: '1500' }),
      log.child({ service: 'unavailable' }),
    );
  });
  after(async () => {
    await gateway?.stop();
    if (sentToMissingTopic) {
      // The producer retries the refused send for ever (its caller got the 503 long ago): give it its
      // topic and let that send land, so the producer can disconnect.
      const kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'test-admin', log });
      await ensureTopics(kafka, [{ topic: missingTopic, numPartitions: 1 }], LOCAL_TOPIC_DURABILITY);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitUntil(
          async () => ((await admin.fetchTopicOffsets(missingTopic))[0]?.high ?? '0') !== '0' || undefined,
          { description: 'the retried send to land', timeoutMs: 30_000 },
        );
      } finally {
        await admin.disconnect();
      }
    }
    await unavailable?.stop();
  });

  it('keeps the path token out of every log line and metric label', async () => {
    const url = gateway?.url ?? '';
    assert.equal(
      (await postTo(url, `/v1/litellm/t/${INGEST_TOKEN}/spend/update`, [aSpendLogRow()], { token: null }))
        .status,
      200,
    );
    assert.equal(
      (await postTo(url, `/v1/litellm/t/${INGEST_TOKEN}/spend/update`, [{}], { token: null })).status,
      400,
    );
    assert.equal((await postTo(url, `/v1/litellm/t/${INGEST_TOKEN}/nope`, [], { token: null })).status, 404);
    const metrics = await (await fetch(`${gateway?.opsUrl ?? ''}/metrics`)).text();
    assert.match(metrics, /route="\/v1\/litellm\/t\/:token\/spend\/update"/);
    assert.ok(
      lines.some((l) => l.includes('/v1/litellm/t/:token/spend/update')),
      'requests are logged',
    );
    for (const text of [metrics, ...lines])
      assert.equal(text.includes(INGEST_TOKEN), false, text.slice(0, 300));
  });

  it('answers 503 with Retry-After when Kafka does not acknowledge', async () => {
    sentToMissingTopic = true;
    const res = await postTo(unavailable?.url ?? '', '/v1/litellm/logs', [aStandardLoggingPayload()]);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(((await res.json()) as ErrorBody).error.code, 'UNAVAILABLE');
  });
});
