import type { SpendEventInput } from '@spend-ledger/contract';
import { createKafka, getConsumerLag, type Kafka } from '@spend-ledger/kafka';
import { createLogger, type Logger, type RunningService } from '@spend-ledger/platform';
import {
  createTestDatabase,
  LOCAL_BROKER_ENV,
  type TestDatabase,
  uniqueSuffix,
  waitUntil,
} from '@spend-ledger/testing';
import { GatewayConfigSchema } from '../../../services/gateway/src/config.ts';
import { startGateway } from '../../../services/gateway/src/start-gateway.ts';
import { WriterConfigSchema } from '../../../services/ledger-writer/src/config.ts';
import { startWriter } from '../../../services/ledger-writer/src/start-writer.ts';
import { QueryConfigSchema } from '../../../services/query-api/src/config.ts';
import { startQueryApi } from '../../../services/query-api/src/start-query-api.ts';

export const INGEST_TOKEN = 'test-ingest-token-0123456789';
export const QUERY_TOKEN = 'test-query-token-0123456789';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export interface Pipeline {
  gateway: RunningService;
  writers: RunningService[];
  query: RunningService;
  database: TestDatabase;
  kafka: Kafka;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  log: Logger;
  /** POSTs events (one or an array) to the gateway. */
  post(body: unknown, init?: { token?: string; contentType?: string }): Promise<Response>;
  /** GETs a query API path with the query token and returns status and JSON. */
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  startWriter(): Promise<RunningService>;
  /** Resolves when the writer group has committed everything on the topic. */
  waitForLagZero(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The three services in this process, on ephemeral ports, against the real broker and a database
 * of their own, with unique topic and group names: tests never see each other's events.
 */
export async function startPipeline(
  /** `env`: extra settings for the writers and the query API (e.g. DISABLE_SPEND_LOGS); `gatewayEnv` the gateway's. */
  options: {
    partitions?: number;
    writers?: number;
    env?: Record<string, string>;
    gatewayEnv?: Record<string, string>;
  } = {},
): Promise<Pipeline> {
  const suffix = uniqueSuffix();
  const topic = `spend-events-test-${suffix}`;
  const deadLetterTopic = `${topic}.dlq`;
  const groupId = `writer-test-${suffix}`;
  const log = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const database = await createTestDatabase();
  const common = {
    ...LOCAL_BROKER_ENV,
    KAFKA_BROKERS,
    SPEND_TOPIC: topic,
    SPEND_TOPIC_PARTITIONS: String(options.partitions ?? 3),
  };

  const gateway = await startGateway(
    GatewayConfigSchema.parse({
      ...common,
      GATEWAY_PORT: '0',
      GATEWAY_OPS_PORT: '0',
      LEDGER_INGEST_TOKENS: INGEST_TOKEN,
      ...options.gatewayEnv,
    }),
    log.child({ service: 'gateway' }),
  );
  const writerConfig = WriterConfigSchema.parse({
    ...common,
    DATABASE_URL: database.url,
    DEAD_LETTER_TOPIC: deadLetterTopic,
    WRITER_GROUP_ID: groupId,
    WRITER_PORT: '0',
    WRITER_LAG_REFRESH_MS: '500',
    WRITER_SESSION_TIMEOUT_MS: '10000',
    WRITER_RETRY_INITIAL_MS: '50',
    WRITER_RETRY_MAX_MS: '1000',
    ...options.env,
  });
  const writers: RunningService[] = [];
  const addWriter = async () => {
    const writer = await startWriter(writerConfig, log.child({ service: 'writer', replica: writers.length }));
    writers.push(writer);
    return writer;
  };
  for (let i = 0; i < (options.writers ?? 1); i++) await addWriter();
  const query = await startQueryApi(
    QueryConfigSchema.parse({
      QUERY_PORT: '0',
      QUERY_OPS_PORT: '0',
      LEDGER_QUERY_TOKENS: QUERY_TOKEN,
      DATABASE_URL: database.url,
      ...options.env,
    }),
    log.child({ service: 'query' }),
  );
  const kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: 'test-admin', log });

  return {
    gateway,
    writers,
    query,
    database,
    kafka,
    topic,
    deadLetterTopic,
    groupId,
    log,
    post: (body, init = {}) =>
      fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${init.token ?? INGEST_TOKEN}`,
          'content-type': init.contentType ?? 'application/json',
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: async <T>(path: string) => {
      const res = await fetch(`${query.url}${path}`, { headers: { authorization: `Bearer ${QUERY_TOKEN}` } });
      return { status: res.status, body: (await res.json()) as T };
    },
    startWriter: addWriter,
    waitForLagZero: async (timeoutMs = 60_000) => {
      await waitUntil(
        async () => {
          const lag = await getConsumerLag(kafka, groupId, topic);
          return lag.every((p) => p.lag === 0) ? true : undefined;
        },
        {
          description: `consumer group ${groupId} to commit everything on ${topic}`,
          timeoutMs,
          intervalMs: 250,
        },
      );
    },
    stop: async () => {
      await gateway.stop();
      for (const w of writers.splice(0)) await w.stop();
      await query.stop();
      await database.drop();
    },
  };
}

export type { SpendEventInput };
