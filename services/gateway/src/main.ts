import { serve } from '@hono/node-server';
import { BatchingProducer, createKafka, ensureTopics } from '@spend-ledger/kafka';
import { ConfigError, createLogger, createMetricsRegistry, installShutdown } from '@spend-ledger/platform';
import { createGatewayApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { createGatewayMetrics } from './metrics.ts';

let config: ReturnType<typeof loadGatewayConfig>;
try {
  config = loadGatewayConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`gateway: ${error.message}`);
  process.exit(1);
}

const log = createLogger({ service: 'gateway', level: config.logLevel });
const registry = createMetricsRegistry('gateway');
const metrics = createGatewayMetrics(registry);
const kafka = createKafka({ ...config.kafka, log });

if (config.createTopics) {
  await ensureTopics(kafka, [{ topic: config.topic, numPartitions: config.topicPartitions }]);
}
const producer = new BatchingProducer(kafka, {
  topic: config.topic,
  log: log.child({ component: 'producer' }),
  ackTimeoutMs: config.publishAckTimeoutMs,
});
await producer.connect();

let shuttingDown = false;
const app = createGatewayApp({
  ...config,
  publisher: producer,
  log,
  registry,
  metrics,
  isReady: async () => producer.isHealthy(),
  isShuttingDown: () => shuttingDown,
});

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  log.info({ host: info.address, port: info.port, topic: config.topic }, 'gateway listening');
});

installShutdown(
  log,
  [
    {
      name: 'not ready',
      run: () => {
        shuttingDown = true;
      },
    },
    { name: 'stop accepting', run: () => new Promise<void>((r) => server.close(() => r())) },
    { name: 'flush and disconnect producer', run: () => producer.disconnect() },
  ],
  config.shutdownTimeoutMs,
);
