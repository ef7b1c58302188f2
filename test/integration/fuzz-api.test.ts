import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchingProducer, createKafka, ensureTopics, getConsumerLag, type Kafka } from '@spend-ledger/kafka';
import { createLogger, createMetricsRegistry, type RunningService } from '@spend-ledger/platform';
import {
  createTestDatabase,
  LOCAL_BROKER_ENV,
  LOCAL_TOPIC_DURABILITY,
  type TestDatabase,
  uniqueSuffix,
  waitUntil,
} from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { createGatewayApp } from '../../services/gateway/src/app.ts';
import { GatewayConfigSchema } from '../../services/gateway/src/config.ts';
import { mapLiteLLMItem } from '../../services/gateway/src/litellm/map-litellm.ts';
import { createGatewayMetrics } from '../../services/gateway/src/metrics.ts';
import { SpendPricer } from '../../services/gateway/src/pricing/spend-pricer.ts';
import { WriterConfigSchema } from '../../services/ledger-writer/src/config.ts';
import { startWriter } from '../../services/ledger-writer/src/start-writer.ts';
import { createQueryApp } from '../../services/query-api/src/app.ts';
import { QueryConfigSchema } from '../../services/query-api/src/config.ts';
import { type Answer, checkAnswer, describeRequest } from './support/fuzz/check-response.ts';
import { ENDPOINTS, type FuzzEndpoint } from './support/fuzz/endpoints.ts';
import { type FuzzRequest, requestsFor } from './support/fuzz/requests.ts';
import { type RequestTarget, runRequests } from './support/fuzz/run-requests.ts';
import { KAFKA_BROKERS } from './support/pipeline.ts';

/**
 * Property-based fuzzing of every public endpoint (support/fuzz/endpoints.ts): FUZZ_RUNS generated
 * requests each (10,000 by default), bad or odd in method, path, query, headers and body, sent
 * in-process to apps wired to the real broker and database. Every answer must be a documented 4xx
 * or a sane 2xx, never a 5xx, and nothing refused may reach the ledger. FUZZ_SEED=<n> replays a run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const INGEST_TOKEN = 'fuzz-ingest-token-0123456789';
const QUERY_TOKEN = 'fuzz-query-admin-token-0123456789';
const log = createLogger({ service: 'fuzz', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

console.log(`fuzz: seed ${SEED}, ${RUNS} requests per endpoint (replay with FUZZ_SEED=${SEED})`);

interface Failure {
  index: number;
  request: string;
  problem: string;
  answer: string;
}

/** Generates and sends one endpoint's requests; returns the rule breakers. */
async function fuzzEndpoint(
  endpoint: FuzzEndpoint,
  target: RequestTarget,
  options: {
    token: string;
    queryNames: readonly string[];
    knownIds?: readonly string[];
    concurrency: number;
  },
  onAccepted?: (request: FuzzRequest, answer: Answer) => void,
): Promise<Failure[]> {
  const seed = SEED + ENDPOINTS.indexOf(endpoint);
  const requests = fc.sample(requestsFor(endpoint, options), { seed, numRuns: RUNS });
  const failures: Failure[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  await runRequests(target, requests, options.concurrency, (request, answer, index) => {
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    const problem = checkAnswer(request, answer);
    if (problem) {
      failures.push({ index, request: describeRequest(request), problem, answer: answer.text.slice(0, 300) });
    } else if (answer.status >= 200 && answer.status < 300) {
      onAccepted?.(request, answer);
    }
  });
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
  console.log(
    `fuzz: ${endpoint.method} ${endpoint.path}: ${RUNS} requests in ${Math.round(performance.now() - started)} ms (${histogram.join(' ')})`,
  );
  return failures;
}

function report(endpoint: FuzzEndpoint, failures: Failure[]): string {
  const byProblem = new Map<string, Failure[]>();
  for (const f of failures) byProblem.set(f.problem, [...(byProblem.get(f.problem) ?? []), f]);
  const lines = [...byProblem].map(
    ([problem, list]) =>
      `  ${list.length}× ${problem}\n    e.g. #${list[0]?.index}: ${list[0]?.request}\n    answer: ${list[0]?.answer}`,
  );
  return `${endpoint.method} ${endpoint.path}: ${failures.length} of ${RUNS} answers broke the rules (FUZZ_SEED=${SEED})\n${lines.join('\n')}`;
}

/**
 * request_ids of the events in a body the gateway accepted: the events' own on /v1/events, those
 * LiteLLM's mapper derives (litellm_call_id, id, request_id) on /v1/litellm/*, whose bodies may also
 * be NDJSON.
 */
function requestIdsOf(path: string, body: FuzzRequest['body']): string[] {
  const text = typeof body === 'string' ? body : Buffer.from(body ?? new Uint8Array()).toString('utf8');
  const clean = text.replace(/^\ufeff/, '');
  if (!path.startsWith('/v1/litellm/')) {
    const parsed: unknown = JSON.parse(clean);
    return (Array.isArray(parsed) ? parsed : [parsed]).map((e) =>
      String((e as { request_id: unknown }).request_id),
    );
  }
  let items: unknown[];
  try {
    const parsed: unknown = JSON.parse(clean);
    items = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    items = clean
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  }
  const format = path.endsWith('/logs') ? 'standard_logging_payload' : 'spend_log';
  return items.map((item) => {
    const mapped = mapLiteLLMItem(format, item);
    if (!mapped.ok) throw new Error(`an accepted LiteLLM item did not map: ${JSON.stringify(mapped.issues)}`);
    return String(mapped.event.request_id);
  });
}

describe(`fuzzing every public endpoint (seed ${SEED})`, () => {
  let database: TestDatabase;
  let kafka: Kafka;
  let producer: BatchingProducer;
  let writer: RunningService;
  let gateway: RequestTarget;
  let query: RequestTarget & { request(input: string, init?: RequestInit): Response | Promise<Response> };
  const suffix = uniqueSuffix();
  const topic = `fuzz-events-${suffix}`;
  const groupId = `fuzz-writer-${suffix}`;
  const accepted = new Set<string>();

  before(async () => {
    database = await createTestDatabase();
    kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'fuzz', log });
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }], LOCAL_TOPIC_DURABILITY);
    const gatewayConfig = GatewayConfigSchema.parse({
      ...LOCAL_BROKER_ENV,
      KAFKA_BROKERS,
      SPEND_TOPIC: topic,
      LEDGER_INGEST_TOKENS: INGEST_TOKEN,
    });
    producer = new BatchingProducer(kafka, { topic, log, ackTimeoutMs: gatewayConfig.publishAckTimeoutMs });
    await producer.connect();
    gateway = createGatewayApp({
      ...gatewayConfig,
      publisher: producer,
      log,
      metrics: createGatewayMetrics(createMetricsRegistry('fuzz-gateway')),
      pricer: new SpendPricer(gatewayConfig.modelPriceOverrides),
    });
    writer = await startWriter(
      WriterConfigSchema.parse({
        ...LOCAL_BROKER_ENV,
        KAFKA_BROKERS,
        SPEND_TOPIC: topic,
        DEAD_LETTER_TOPIC: `${topic}.dlq`,
        WRITER_GROUP_ID: groupId,
        WRITER_PORT: '0',
        DATABASE_URL: database.url,
      }),
      log,
    );
    const queryConfig = QueryConfigSchema.parse({
      LEDGER_QUERY_TOKENS: QUERY_TOKEN,
      DATABASE_URL: database.url,
    });
    query = createQueryApp({
      ...queryConfig,
      db: database.db,
      log,
      registry: createMetricsRegistry('fuzz-query'),
    });
  });

  after(async () => {
    await writer?.stop();
    await producer?.disconnect();
    await database?.drop();
  });

  it('has a fuzz line for every route of the OpenAPI document', async () => {
    const doc = (await (await query.request('/openapi.json')).json()) as { paths: Record<string, object> };
    const listed = new Set(ENDPOINTS.map((e) => `${e.method} ${e.path}`));
    const missing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .map((m) => `${m.toUpperCase()} ${path}`)
        .filter((route) => !listed.has(route)),
    );
    assert.deepEqual(missing, [], 'add these routes to test/integration/support/fuzz/endpoints.ts');
  });

  it(`gateway: ${RUNS} odd requests to each ingest endpoint, never a 5xx, and only accepted events reach the ledger`, async () => {
    for (const endpoint of ENDPOINTS.filter((e) => e.service === 'gateway')) {
      const failures = await fuzzEndpoint(
        endpoint,
        gateway,
        { token: INGEST_TOKEN, queryNames: [], concurrency: 32 },
        (request, answer) => {
          if (answer.status !== 202 && answer.status !== 200) return;
          for (const id of requestIdsOf(endpoint.path, request.body)) accepted.add(id);
        },
      );
      assert.equal(failures.length, 0, report(endpoint, failures));
    }
    assert.ok(accepted.size > 0, 'some generated events were valid');
    console.log(`fuzz: ${accepted.size} events accepted by the gateway`);

    // The real writer drains the topic; the ledger holds exactly the accepted events.
    await waitUntil(
      async () =>
        (await getConsumerLag(kafka, groupId, topic)).every((p) => p.lag === 0) ? true : undefined,
      { description: 'the writer to drain the fuzz topic', timeoutMs: 60_000, intervalMs: 250 },
    );
    const rows = await database.db.execute<{ request_id: string }>(sql`select request_id from spend_logs`);
    const inLedger = new Set(rows.map((r) => r.request_id));
    const refusedButStored = [...inLedger].filter((id) => !accepted.has(id));
    const acceptedButLost = [...accepted].filter((id) => !inLedger.has(id));
    assert.deepEqual(refusedButStored.slice(0, 10), [], 'request_ids in the ledger that no 202 accepted');
    assert.deepEqual(
      acceptedButLost.slice(0, 10),
      [],
      'request_ids the gateway accepted but the ledger lacks',
    );
  });

  it(`query API: ${RUNS} odd requests to each route, /openapi.json and /docs, never a 5xx, and nothing written`, async () => {
    const doc = (await (await query.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    const count = async () =>
      (await database.db.execute<{ n: string }>(sql`select count(*)::text as n from spend_logs`))[0]?.n;
    const before = await count();
    const reports: string[] = [];
    for (const endpoint of ENDPOINTS.filter((e) => e.service === 'query')) {
      const operation = doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
      const queryNames = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const failures = await fuzzEndpoint(endpoint, query, {
        token: QUERY_TOKEN,
        queryNames,
        // Some request_ids the gateway accepted, so that /v1/logs/{request_id} also finds rows.
        knownIds: [...accepted].slice(0, 20),
        concurrency: 16,
      });
      if (failures.length) reports.push(report(endpoint, failures));
    }
    assert.deepEqual(reports, []);
    assert.equal(await count(), before, 'reads never write');
  });
});
