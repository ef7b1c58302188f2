import {
  checkKafkaEnv,
  KAFKA_COMPRESSIONS,
  kafkaConnection,
  kafkaEnv,
  topicDurability,
} from '@spend-ledger/kafka';
import {
  checkHttpLimits,
  csv,
  flag,
  HTTP_LIMITS_ENV,
  httpLimitsOf,
  logLevel,
  parseConfig,
  port,
  positiveInt,
} from '@spend-ledger/platform';
import { z } from 'zod';
import { modelPriceOverrides } from './pricing/price-overrides-config.ts';

export const GatewayConfigSchema = z
  .object({
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: port(8080),
    /** /healthz, /readyz and /metrics: a port of their own, loopback unless set (e.g. 0.0.0.0 in a pod). */
    GATEWAY_OPS_HOST: z.string().default('127.0.0.1'),
    GATEWAY_OPS_PORT: port(8090),
    /** Bearer tokens accepted on POST /v1/events, comma-separated. Required. */
    LEDGER_INGEST_TOKENS: csv().pipe(
      z
        .array(z.string().min(16, { error: 'each token must be at least 16 characters' }))
        .min(1, { error: 'set at least one ingest token (comma-separated)' }),
    ),
    ...kafkaEnv('spend-ledger-gateway'),
    SPEND_TOPIC: z.string().default('spend-events.v1'),
    /** Partitions of the spend topic when the gateway has to create it. */
    SPEND_TOPIC_PARTITIONS: positiveInt(6),
    /** Create the topic at start-up if it is missing. */
    CREATE_TOPICS: flag(true),
    /** Largest request body accepted, in bytes. */
    MAX_BODY_BYTES: positiveInt(5 * 1024 * 1024),
    MAX_EVENTS_PER_REQUEST: positiveInt(1_000),
    /**
     * Largest body on the LiteLLM endpoints, in bytes: StandardLoggingPayloads carry the messages and
     * the response, and LiteLLM sends up to 512 of them at once; a 413 there loses the batch.
     */
    LITELLM_MAX_BODY_BYTES: positiveInt(32 * 1024 * 1024),
    /** Operator prices by model (JSON, or a JSON file's path) for events that arrive without a cost. */
    MODEL_PRICE_OVERRIDES: modelPriceOverrides(),
    /** A publish not acknowledged by Kafka within this time answers 503. */
    PUBLISH_ACK_TIMEOUT_MS: positiveInt(5_000),
    /**
     * Gateway processes on this host (node:cluster), sharing its ports; 1 = this process serves.
     * The gateway is CPU-bound in one thread; more workers use more cores.
     */
    GATEWAY_WORKERS: positiveInt(1),
    /** Idempotent Kafka producers side by side, each with one produce request in flight. */
    GATEWAY_PRODUCERS: positiveInt(1),
    /** Upper bound of one produce request, in bytes of event JSON; later publishes wait for the next. */
    PUBLISH_MAX_BATCH_BYTES: positiveInt(4 * 1024 * 1024),
    /** How long an event may wait for others to share its produce request (0 = none). */
    PUBLISH_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(0),
    /** Record batch compression of the spend topic: none, gzip, lz4 or zstd (docs/performance.md, "Session 6"). */
    PUBLISH_COMPRESSION: z
      .enum(KAFKA_COMPRESSIONS, { error: `must be one of ${KAFKA_COMPRESSIONS.join(', ')}` })
      .default('none'),
    /**
     * Publish the events of a produce request that share a partition as one v2 envelope record
     * (README, "Topic records"); false sends one v1 record per event.
     */
    PUBLISH_ENVELOPES: flag(true),
    /** Retry-After sent with 503, in seconds. */
    RETRY_AFTER_SECONDS: positiveInt(2),
    SHUTDOWN_TIMEOUT_MS: positiveInt(15_000),
    LOG_LEVEL: logLevel(),
    ...HTTP_LIMITS_ENV,
  })
  .superRefine(checkKafkaEnv)
  .superRefine(checkHttpLimits)
  .transform((env) => ({
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    opsHost: env.GATEWAY_OPS_HOST,
    opsPort: env.GATEWAY_OPS_PORT,
    ingestTokens: env.LEDGER_INGEST_TOKENS,
    kafka: kafkaConnection(env),
    topicDurability: topicDurability(env),
    topic: env.SPEND_TOPIC,
    topicPartitions: env.SPEND_TOPIC_PARTITIONS,
    createTopics: env.CREATE_TOPICS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    maxEventsPerRequest: env.MAX_EVENTS_PER_REQUEST,
    litellmMaxBodyBytes: env.LITELLM_MAX_BODY_BYTES,
    modelPriceOverrides: env.MODEL_PRICE_OVERRIDES,
    publishAckTimeoutMs: env.PUBLISH_ACK_TIMEOUT_MS,
    workers: env.GATEWAY_WORKERS,
    producers: env.GATEWAY_PRODUCERS,
    maxBatchBytes: env.PUBLISH_MAX_BATCH_BYTES,
    lingerMs: env.PUBLISH_LINGER_MS,
    compression: env.PUBLISH_COMPRESSION,
    envelopes: env.PUBLISH_ENVELOPES,
    retryAfterSeconds: env.RETRY_AFTER_SECONDS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
    httpLimits: httpLimitsOf(env),
  }));

export type GatewayConfig = z.output<typeof GatewayConfigSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  parseConfig(GatewayConfigSchema, env);
