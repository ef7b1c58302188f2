import { checkKafkaEnv, kafkaConnection, kafkaEnv, topicDurability } from '@spend-ledger/kafka';
import {
  archiveSettingsFromEnv,
  checkDatabaseEnv,
  databaseConnection,
  databaseEnv,
} from '@spend-ledger/ledger-db';
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

/** A positive whole number of days, or absent (unset or empty): the feature is off. */
const optionalDays = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().positive().optional(),
  );

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
    /** Bytes of one fetch over all partitions: held, with the records decoded from it, until buffered. */
    WRITER_FETCH_MAX_BYTES: positiveInt(4 * 1024 * 1024),
    /** A flush window closes at this many events (bigger windows collapse more aggregate rows)... */
    WRITER_FLUSH_MAX_EVENTS: positiveInt(4_000),
    /** ...or this long after its first event, so a trickle of events is still written promptly. */
    WRITER_FLUSH_MAX_WAIT_MS: positiveInt(200),
    /** Windows written at once, on separate connections; commits stay in window order. */
    WRITER_WINDOWS_IN_FLIGHT: positiveInt(2),
    /** Back-off after a failed database write: starts here, doubles, capped below. */
    WRITER_RETRY_INITIAL_MS: positiveInt(200),
    WRITER_RETRY_MAX_MS: positiveInt(30_000),
    /** A write attempt pending this long is abandoned, the pool replaced, and the write retried. */
    WRITER_WRITE_TIMEOUT_MS: positiveInt(30_000),
    /**
     * Request_ids remembered to drop retried copies before a write (~110 bytes of heap each; 0 =
     * off): 100,000 is the last 20 s of a writer at 5,000 events/s; retries come within seconds.
     */
    WRITER_RECENT_REQUEST_IDS: z.coerce.number().int().min(0).default(100_000),
    /** spend_logs partitions are made this many UTC days ahead (plus yesterday and today). */
    SPEND_LOGS_PARTITIONS_AHEAD_DAYS: positiveInt(7),
    /** How often the writer runs its spend_logs upkeep (partitions ahead, retention). */
    SPEND_LOGS_UPKEEP_INTERVAL_MS: positiveInt(3_600_000),
    /**
     * LiteLLM's setting: aggregates only. request_ids (the dedupe record) is still written; no
     * per-request rows, so /v1/logs answers SPEND_LOGS_DISABLED.
     */
    DISABLE_SPEND_LOGS: flag(false),
    /** Days of per-request rows kept; older day partitions are archived (if configured), then dropped. */
    SPEND_LOGS_RETENTION_DAYS: optionalDays(),
    /**
     * Events older than this (by their timestamp) go to the dead-letter topic: their day may be
     * archived and dropped. Defaults to SPEND_LOGS_RETENTION_DAYS - 1 when a retention is set.
     */
    MAX_EVENT_AGE_DAYS: optionalDays(),
    /**
     * Days the dedupe record (request_ids) is kept; off keeps it for ever. Needs MAX_EVENT_AGE_DAYS
     * below it (a copy arriving later is refused anyway) and at least SPEND_LOGS_RETENTION_DAYS.
     */
    DEDUPE_RETENTION_DAYS: optionalDays(),
    /** Archive of old days: a local directory, or an S3-compatible bucket (not both). */
    ARCHIVE_DIR: z.string().optional(),
    ARCHIVE_S3_BUCKET: z.string().optional(),
    ARCHIVE_S3_PREFIX: z.string().optional(),
    ARCHIVE_S3_ENDPOINT: z.string().url().optional(),
    ARCHIVE_S3_REGION: z.string().optional(),
    /** Health, readiness, metrics and /lag: the writer's only port, its ops port (loopback unless set). */
    WRITER_HOST: z.string().default('127.0.0.1'),
    WRITER_PORT: port(8082),
    /** How often the consumer lag gauge is refreshed from the broker, for Prometheus. */
    WRITER_LAG_REFRESH_MS: positiveInt(15_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
    LOG_LEVEL: logLevel(),
    ...HTTP_LIMITS_ENV,
  })
  .superRefine((env, ctx) => {
    const retention = env.SPEND_LOGS_RETENTION_DAYS;
    if (retention !== undefined && retention < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['SPEND_LOGS_RETENTION_DAYS'],
        message: 'must be at least 2 days',
      });
    if (
      retention !== undefined &&
      env.MAX_EVENT_AGE_DAYS !== undefined &&
      env.MAX_EVENT_AGE_DAYS >= retention
    )
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_EVENT_AGE_DAYS'],
        message: 'must be less than SPEND_LOGS_RETENTION_DAYS (a late event must never reach a dropped day)',
      });
    const dedupe = env.DEDUPE_RETENTION_DAYS;
    const maxAge = env.MAX_EVENT_AGE_DAYS ?? (retention === undefined ? undefined : retention - 1);
    if (dedupe !== undefined && (maxAge === undefined || maxAge >= dedupe))
      ctx.addIssue({
        code: 'custom',
        path: ['DEDUPE_RETENTION_DAYS'],
        message:
          'needs MAX_EVENT_AGE_DAYS (or SPEND_LOGS_RETENTION_DAYS) below it: a late copy must never miss its record',
      });
    if (dedupe !== undefined && retention !== undefined && dedupe < retention)
      ctx.addIssue({
        code: 'custom',
        path: ['DEDUPE_RETENTION_DAYS'],
        message: 'must be at least SPEND_LOGS_RETENTION_DAYS (the dedupe record outlives the rows)',
      });
    if (env.ARCHIVE_DIR?.trim() && env.ARCHIVE_S3_BUCKET?.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['ARCHIVE_DIR'],
        message: 'set ARCHIVE_DIR or ARCHIVE_S3_BUCKET, not both',
      });
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
    fetchMaxBytes: env.WRITER_FETCH_MAX_BYTES,
    flushMaxEvents: env.WRITER_FLUSH_MAX_EVENTS,
    flushMaxWaitMs: env.WRITER_FLUSH_MAX_WAIT_MS,
    windowsInFlight: env.WRITER_WINDOWS_IN_FLIGHT,
    retry: { initialMs: env.WRITER_RETRY_INITIAL_MS, maxMs: env.WRITER_RETRY_MAX_MS },
    writeTimeoutMs: env.WRITER_WRITE_TIMEOUT_MS,
    recentRequestIds: env.WRITER_RECENT_REQUEST_IDS,
    spendLogs: {
      enabled: !env.DISABLE_SPEND_LOGS,
      aheadDays: env.SPEND_LOGS_PARTITIONS_AHEAD_DAYS,
      upkeepIntervalMs: env.SPEND_LOGS_UPKEEP_INTERVAL_MS,
      retentionDays: env.SPEND_LOGS_RETENTION_DAYS,
      dedupeRetentionDays: env.DEDUPE_RETENTION_DAYS,
      archive: archiveSettingsFromEnv({
        ARCHIVE_DIR: env.ARCHIVE_DIR,
        ARCHIVE_S3_BUCKET: env.ARCHIVE_S3_BUCKET,
        ARCHIVE_S3_PREFIX: env.ARCHIVE_S3_PREFIX,
        ARCHIVE_S3_ENDPOINT: env.ARCHIVE_S3_ENDPOINT,
        ARCHIVE_S3_REGION: env.ARCHIVE_S3_REGION,
      }),
    },
    maxEventAgeDays:
      env.MAX_EVENT_AGE_DAYS ??
      (env.SPEND_LOGS_RETENTION_DAYS === undefined ? undefined : env.SPEND_LOGS_RETENTION_DAYS - 1),
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
