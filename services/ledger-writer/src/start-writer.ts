import {
  BatchingProducer,
  BufferedConsumer,
  createKafka,
  ensureTopics,
  getConsumerLag,
  type Kafka,
} from '@spend-ledger/kafka';
import { createArchiveStore, pingLedgerDb, poolOptions } from '@spend-ledger/ledger-db';
import {
  createMetricsRegistry,
  type Listening,
  type Logger,
  listen,
  type Registry,
  type RunningService,
  readinessGate,
  runShutdownSteps,
  type ShutdownStep,
} from '@spend-ledger/platform';
import { createWriterApp } from './app.ts';
import type { WriterConfig } from './config.ts';
import { createLagGauge, type LagGauge } from './lag-gauge.ts';
import { LedgerConnection } from './ledger-connection.ts';
import { LedgerHealth } from './ledger-health.ts';
import { createWriterMetrics, type WriterMetrics } from './metrics.ts';
import { startSpendLogUpkeep } from './spend-log-upkeep.ts';
import { createSpendSink } from './spend-sink.ts';

/** What the consumer and the health server share. */
interface WriterParts {
  config: WriterConfig;
  log: Logger;
  kafka: Kafka;
  ledger: LedgerConnection;
  metrics: WriterMetrics;
}

/**
 * Starts one writer replica: topics, dead-letter producer, health server, then the consumer. The
 * consumer joins the group in the background; /readyz turns ready once it has.
 */
export async function startWriter(config: WriterConfig, log: Logger): Promise<RunningService> {
  const registry = createMetricsRegistry('ledger-writer');
  const parts: WriterParts = {
    config,
    log,
    kafka: createKafka({ ...config.kafka, log }),
    ledger: new LedgerConnection(config.database.url, {
      ...poolOptions(config.database),
      applicationName: 'spend-ledger-writer',
    }),
    metrics: createWriterMetrics(registry),
  };
  if (config.createTopics) {
    await ensureTopics(
      parts.kafka,
      [
        { topic: config.topic, numPartitions: config.topicPartitions },
        { topic: config.deadLetterTopic, numPartitions: 1 },
      ],
      config.topicDurability,
      log,
    );
  }
  const deadLetters = new BatchingProducer(parts.kafka, {
    topic: config.deadLetterTopic,
    log: log.child({ component: 'dead-letter' }),
  });
  await deadLetters.connect();
  const upkeep = startSpendLogUpkeep(
    () => parts.ledger.db,
    {
      aheadDays: config.spendLogs.aheadDays,
      intervalMs: config.spendLogs.upkeepIntervalMs,
      retentionDays: config.spendLogs.retentionDays,
      dedupeRetentionDays: config.spendLogs.dedupeRetentionDays,
      archive: createArchiveStore(config.spendLogs.archive),
    },
    log.child({ component: 'spend-logs-upkeep' }),
  );
  const group = createWriterConsumer(parts, deadLetters);
  const gate = readinessGate();
  const { http, lag } = await serveWriterOps(parts, registry, gate.isShuttingDown, group.joined);
  await group.consumer.start();
  lag.start(config.lagRefreshMs);

  const shutdownSteps: ShutdownStep[] = [
    gate.step,
    { name: 'stop refreshing the lag gauge', run: () => lag.stop() },
    {
      name: 'stop consumer: flush and commit the window (or abandon it), leave the group',
      run: () => group.consumer.stop(),
    },
    { name: 'stop spend_logs upkeep', run: () => upkeep.stop() },
    { name: 'disconnect dead-letter producer', run: () => deadLetters.disconnect() },
    { name: 'close database pool', run: () => parts.ledger.close() },
    { name: 'close health server', run: http.close },
  ];
  // The writer serves only operational endpoints: its one port is its ops port.
  return { url: http.url, opsUrl: http.url, shutdownSteps, stop: () => runShutdownSteps(shutdownSteps) };
}

/** The consumer and the sink it flushes into; `joined` says whether it is in the group now. */
function createWriterConsumer(
  { config, log, ledger, metrics, kafka }: WriterParts,
  deadLetters: BatchingProducer,
) {
  let joined = false;
  const sink = createSpendSink({
    ledger,
    writeTimeoutMs: config.writeTimeoutMs,
    recentRequestIds: config.recentRequestIds,
    spendLogs: config.spendLogs.enabled,
    maxEventAgeDays: config.maxEventAgeDays,
    deadLetters,
    log: log.child({ component: 'sink' }),
    metrics,
    retry: config.retry,
    health: new LedgerHealth(log.child({ component: 'ledger' }), metrics),
  });
  const consumer = new BufferedConsumer(kafka, {
    groupId: config.groupId,
    topic: config.topic,
    log: log.child({ component: 'consumer' }),
    partitionsConcurrently: config.partitionsConcurrently,
    sessionTimeoutMs: config.sessionTimeoutMs,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxBytes: config.fetchMaxBytes,
    flushMaxItems: config.flushMaxEvents,
    flushMaxWaitMs: config.flushMaxWaitMs,
    windowsInFlight: config.windowsInFlight,
    decode: sink.decode,
    prepare: sink.prepare,
    flush: sink.flush,
    onFlush: (stats) => metrics.windowEvents.observe(stats.items),
    onGroupChange: (e) => {
      joined = e.type === 'joined';
    },
  });
  return { consumer, joined: () => joined };
}

/** The health, readiness, metrics and /lag server, listening; the lag gauge is not refreshing yet. */
async function serveWriterOps(
  { config, log, kafka, ledger, metrics }: WriterParts,
  registry: Registry,
  isShuttingDown: () => boolean,
  joined: () => boolean,
): Promise<{ http: Listening; lag: LagGauge }> {
  const lag = createLagGauge(
    metrics.consumerLag,
    () => getConsumerLag(kafka, config.groupId, config.topic),
    log.child({ component: 'lag' }),
  );
  const app = createWriterApp({
    log,
    registry,
    lag,
    isShuttingDown,
    checks: { consumer: async () => joined(), database: () => pingLedgerDb(ledger.db) },
  });
  const http = await listen(app.fetch, config.host, config.port, config.httpLimits);
  log.info({ url: http.url, topic: config.topic, group: config.groupId }, 'writer listening');
  return { http, lag };
}
