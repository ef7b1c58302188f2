import { CONTRACT_VERSION_HEADER, ENVELOPE_VERSION, encodeEnvelopeBytes } from '@spend-ledger/contract';
import {
  BatchingProducer,
  type CoalescingOptions,
  createKafka,
  ensureTopics,
  type Kafka,
} from '@spend-ledger/kafka';
import {
  createMetricsRegistry,
  createOpsApp,
  type Logger,
  listen,
  type RunningService,
  readinessGate,
  runShutdownSteps,
  type ShutdownStep,
} from '@spend-ledger/platform';
import { createGatewayApp } from './app.ts';
import type { GatewayConfig } from './config.ts';
import { ingestFastPath } from './ingest-fast-path.ts';
import { createGatewayMetrics } from './metrics.ts';
import { SpendPricer } from './pricing/spend-pricer.ts';
import { requestRecorder } from './request-log.ts';

/**
 * Events of one produce request bound for one partition travel as one v2 envelope record, written
 * as bytes: most events arrive as the bytes their sender wrote (publish-events.ts).
 */
const ENVELOPE_RECORDS: CoalescingOptions = {
  combine: encodeEnvelopeBytes,
  headers: { [CONTRACT_VERSION_HEADER]: ENVELOPE_VERSION },
};

/** Connects the producer, then serves the gateway; resolves once it listens. */
export async function startGateway(config: GatewayConfig, log: Logger): Promise<RunningService> {
  const registry = createMetricsRegistry('gateway');
  const metrics = createGatewayMetrics(registry);
  const kafka = createKafka({ ...config.kafka, log });
  if (config.createTopics) await ensureSpendTopic(kafka, config, log);
  const producer = new BatchingProducer(kafka, {
    topic: config.topic,
    log: log.child({ component: 'producer' }),
    ackTimeoutMs: config.publishAckTimeoutMs,
    producers: config.producers,
    maxBatchBytes: config.maxBatchBytes,
    lingerMs: config.lingerMs,
    compression: config.compression,
    coalesce: config.envelopes ? ENVELOPE_RECORDS : undefined,
  });
  await producer.connect();

  const gate = readinessGate();
  const deps = {
    ...config,
    publisher: producer,
    pricer: new SpendPricer(config.modelPriceOverrides),
    log,
    metrics,
    recordRequest: requestRecorder({ log, metrics }),
  };
  const app = createGatewayApp(deps);
  const ops = createOpsApp({
    log,
    checks: { kafka: async () => producer.isHealthy() },
    isShuttingDown: gate.isShuttingDown,
    metrics: registry,
  });
  // Public port first: once /readyz answers, the API is listening too.
  const http = await listen(app.fetch, config.host, config.port, config.httpLimits, ingestFastPath(deps));
  const opsHttp = await listen(ops.fetch, config.opsHost, config.opsPort, config.httpLimits);
  log.info(
    {
      url: http.url,
      opsUrl: opsHttp.url,
      topic: config.topic,
      producers: config.producers,
      lingerMs: config.lingerMs,
      envelopes: config.envelopes,
      compression: config.compression,
    },
    'gateway listening',
  );

  const shutdownSteps: ShutdownStep[] = [
    gate.step,
    { name: 'stop accepting requests', run: http.close },
    { name: 'flush and disconnect producer', run: () => producer.disconnect() },
    // Last, so probes see 503 and Prometheus can scrape throughout the drain.
    { name: 'close ops server', run: opsHttp.close },
  ];
  return {
    url: http.url,
    opsUrl: opsHttp.url,
    shutdownSteps,
    stop: () => runShutdownSteps(shutdownSteps),
  };
}

/** Creates the spend topic with the configured partitions and durability (CREATE_TOPICS). */
export const ensureSpendTopic = (kafka: Kafka, config: GatewayConfig, log: Logger): Promise<void> =>
  ensureTopics(
    kafka,
    [{ topic: config.topic, numPartitions: config.topicPartitions }],
    config.topicDurability,
    log,
  );
