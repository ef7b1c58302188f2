import { checkKafkaEnv, kafkaConnection, kafkaEnv, topicDurability } from '@spend-ledger/kafka';
import { checkDatabaseEnv, databaseConnection, databaseEnv } from '@spend-ledger/ledger-db';
import {
  checkHttpLimits,
  flag,
  HTTP_LIMITS_ENV,
  httpLimitsOf,
  logLevel,
  parseConfig,
  port,
  positiveInt,
} from '@spend-ledger/platform';
import { z } from 'zod';

export const WriterConfigSchema = z
  .object({
    /** DATABASE_URL, DB_POOL_MAX (one connection per window in flight is enough, plus one for health), TLS, IAM. */
    ...databaseEnv({ poolMax: 4 }),
    ...kafkaEnv('spend-ledger-writer'),
    SPEND_TOPIC: z.string().default('spend-events.v1'),
    SPEND_TOPIC_PARTITIONS: positiveInt(6),
    DEAD_LETTER_TOPIC: z.string().default('spend-events.v1.dlq'),
    CREATE_TOPICS: flag(true),
    WRITER_GROUP_ID: z.string().default('spend-ledger-writer'),
    /** Partitions whose fetched batches this replica decodes at once (into the same window). */
    WRITER_PARTITIONS_CONCURRENTLY: positiveInt(6),
    /** Kafka group session timeout; a writer silent this long loses its partitions. */
    WRITER_SESSION_TIMEOUT_MS: positiveInt(30_000),
    /** Bytes fetched per partition per batch; with the window size, bounds the writer's memory. */
    WRITER_MAX_BYTES_PER_PARTITION: positiveInt(2 * 1024 * 1024),
    /** A flush window closes at this many events (bigger windows collapse more aggregate rows)... */
    WRITER_FLUSH_MAX_EVENTS: positiveInt(5_000),
    /** ...or this long after its first event, so a trickle of events is still written promptly. */
    WRITER_FLUSH_MAX_WAIT_MS: positiveInt(200),
    /** Windows written at once, on separate connections; commits stay in window order. */
    WRITER_WINDOWS_IN_FLIGHT: positiveInt(2),
    /** Back-off after a failed database write: starts here, doubles, capped below. */
    WRITER_RETRY_INITIAL_MS: positiveInt(200),
    WRITER_RETRY_MAX_MS: positiveInt(30_000),
    /** A write attempt pending this long is abandoned, the pool replaced, and the write retried. */
    WRITER_WRITE_TIMEOUT_MS: positiveInt(30_000),
    /** Request_ids remembered to drop retried copies before a write (~100 bytes each; 0 = off). */
    WRITER_RECENT_REQUEST_IDS: z.coerce.number().int().min(0).default(200_000),
    /** Health, readiness, metrics and /lag: the writer's only port, its ops port (loopback unless set). */
    WRITER_HOST: z.string().default('127.0.0.1'),
    WRITER_PORT: port(8082),
    /** How often the consumer lag gauge is refreshed from the broker, for Prometheus. */
    WRITER_LAG_REFRESH_MS: positiveInt(15_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
    LOG_LEVEL: logLevel(),
    ...HTTP_LIMITS_ENV,
  })
  .superRefine(checkKafkaEnv)
  .superRefine(checkDatabaseEnv)
  .superRefine(checkHttpLimits)
  .transform((env) => ({
    database: databaseConnection(env),
    kafka: kafkaConnection(env),
    topicDurability: topicDurability(env),
    topic: env.SPEND_TOPIC,
    topicPartitions: env.SPEND_TOPIC_PARTITIONS,
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    createTopics: env.CREATE_TOPICS,
    groupId: env.WRITER_GROUP_ID,
    partitionsConcurrently: env.WRITER_PARTITIONS_CONCURRENTLY,
    sessionTimeoutMs: env.WRITER_SESSION_TIMEOUT_MS,
    maxBytesPerPartition: env.WRITER_MAX_BYTES_PER_PARTITION,
    flushMaxEvents: env.WRITER_FLUSH_MAX_EVENTS,
    flushMaxWaitMs: env.WRITER_FLUSH_MAX_WAIT_MS,
    windowsInFlight: env.WRITER_WINDOWS_IN_FLIGHT,
    retry: { initialMs: env.WRITER_RETRY_INITIAL_MS, maxMs: env.WRITER_RETRY_MAX_MS },
    writeTimeoutMs: env.WRITER_WRITE_TIMEOUT_MS,
    recentRequestIds: env.WRITER_RECENT_REQUEST_IDS,
    host: env.WRITER_HOST,
    port: env.WRITER_PORT,
    lagRefreshMs: env.WRITER_LAG_REFRESH_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
    httpLimits: httpLimitsOf(env),
  }));

export type WriterConfig = z.output<typeof WriterConfigSchema>;

export const loadWriterConfig = (env: NodeJS.ProcessEnv = process.env): WriterConfig =>
  parseConfig(WriterConfigSchema, env);
