import { mkdirSync } from 'node:fs';
import type { Kafka } from '@spend-ledger/kafka';
import { createBenchTopic, KAFKA_BROKERS } from '../lib/bench-kafka.ts';
import { type ChildService, spawnService } from '../lib/child-service.ts';
import { type ProfileSummary, summarizeNewestProfile } from '../lib/cpu-profile-summary.ts';
import { cpuDelta, snapshotCpu } from '../lib/cpu-usage.ts';
import { runHttpLoad } from '../lib/http-load.ts';
import { runPacedLoad } from '../lib/paced-load.ts';
import { listPids, readPeakRssMb, readProcTimes } from '../lib/proc.ts';
import { type RssRecord, recordRss } from '../lib/rss-record.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';
import { toMessage } from '../workload/to-message.ts';
import { type BrokerLimit, measureBrokerLimit } from './broker-limit.ts';
import { measureSendBatch, type SendBatchResult } from './kafka-send-batch.ts';

export const INGEST_TOKEN = 'bench-ingest-token-0123456789';

export interface GatewayRow {
  batch: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * The same load at 80% of the measured maximum request rate, requests evenly spaced (open loop,
   * latency from when each was due): the figure the p99 target is about.
   */
  at80: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  /**
   * 80% as autocannon's overallRate drives it, for comparison with runs before session 5: each
   * connection sends its per-second quota back to back at the start of every second (the maximum's
   * queueing for most of each second) and its coordinated-omission correction assumes a 1 ms interval.
   */
  at80Bursty: { requestsPerSecond: number; p99Ms: number };
  failures: number;
}

export interface GatewayResult {
  rows: GatewayRow[];
  sendBatch: SendBatchResult[];
  /** Kafka's own Java producer on the same broker, for scale; undefined if it could not run. */
  broker?: BrokerLimit;
  profile?: ProfileSummary;
  memory: RssRecord;
  cpuSeconds: Record<string, number>;
}

export interface GatewayOptions {
  suffix: string;
  batches: number[];
  seconds: number;
  connections: number;
  sendBatchSeconds: number;
  brokerRecords: number;
  env: Record<string, string>;
  /** Write and summarise a V8 CPU profile of the gateway process. */
  profileDir?: string;
}

/** The gateway and its workers (GATEWAY_WORKERS > 1 forks them): every process whose parent it is. */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (const other of listPids()) if (readProcTimes(other)?.ppid === pid) pids.push(other);
  return pids;
}

/**
 * Gateway throughput with durable acks: first the Kafka client's own sendBatch limit on the topic,
 * then the gateway (a child process) under autocannon at each batch size, as fast as it answers and
 * then at 80% of that rate for latency (evenly spaced requests; also autocannon's bursty 80% for
 * comparison with older runs). Every 202 means acks=all from the broker.
 */
export async function measureGateway(
  kafka: Kafka,
  topic: string,
  options: GatewayOptions,
): Promise<GatewayResult> {
  await createBenchTopic(kafka, topic);
  const events = new SpendEventGenerator({
    ...DEFAULT_WORKLOAD,
    duplicateShare: 0,
    expectedEvents: 20_000,
  }).take(20_000);
  const sendBatch: SendBatchResult[] = [];
  const messages = events.map(toMessage);
  for (const perCall of [100, 1_000]) {
    sendBatch.push(await measureSendBatch(kafka, topic, messages, perCall, options.sendBatchSeconds));
  }

  const broker = await measureBrokerLimit(kafka, `${topic}-java`, options.brokerRecords).catch((error) => {
    console.error(`broker limit not measured: ${(error as Error).message}`);
    return undefined;
  });

  let gateway: ChildService | undefined;
  try {
    if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
    gateway = await spawnService('gateway', {
      label: 'gateway',
      cpuProfileDir: options.profileDir,
      env: {
        GATEWAY_PORT: '0',
        LEDGER_INGEST_TOKENS: INGEST_TOKEN,
        KAFKA_BROKERS,
        SPEND_TOPIC: topic,
        ...options.env,
      },
    });
    const url = `${gateway.url}/v1/events`;
    const bodiesFor = (batch: number) =>
      Array.from({ length: Math.floor(events.length / batch) }, (_, i) =>
        JSON.stringify(batch === 1 ? events[i] : events.slice(i * batch, (i + 1) * batch)),
      );
    const load = { url, token: INGEST_TOKEN, connections: options.connections };
    // Warm-up: JIT, connection pools, producer metadata.
    await runHttpLoad({ ...load, bodies: bodiesFor(10), seconds: Math.min(2, options.seconds) });
    const pids = processTree(gateway.pid);
    const before = snapshotCpu({ gateway: pids });
    const rows: GatewayRow[] = [];
    for (const batch of options.batches) {
      const bodies = bodiesFor(batch);
      const max = await runHttpLoad({ ...load, bodies, seconds: options.seconds });
      const rate = Math.max(1, Math.floor(max.requestsPerSecond * 0.8));
      const held = await runPacedLoad({ ...load, bodies, seconds: options.seconds, rate });
      const bursty = await runHttpLoad({ ...load, bodies, seconds: options.seconds, overallRate: rate });
      rows.push({
        batch,
        requestsPerSecond: max.requestsPerSecond,
        eventsPerSecond: max.requestsPerSecond * batch,
        p50Ms: max.p50Ms,
        p99Ms: max.p99Ms,
        at80: { requestsPerSecond: held.requestsPerSecond, p50Ms: held.p50Ms, p99Ms: held.p99Ms },
        at80Bursty: { requestsPerSecond: bursty.requestsPerSecond, p99Ms: bursty.p99Ms },
        failures: max.non2xx + max.errors + held.non2xx + held.errors + bursty.non2xx + bursty.errors,
      });
    }
    const cpuSeconds = cpuDelta(before, snapshotCpu({ gateway: pids }));
    const memory = await recordRss('gateway', 'gateway throughput', gateway);
    if (pids.length > 1) {
      // With workers: the sum of every process's peak (the heap split is one worker's).
      memory.mb = pids.reduce((sum, pid) => sum + (readPeakRssMb(pid) ?? 0), 0);
      memory.run = `gateway throughput, ${pids.length - 1} workers + primary`;
    }
    await gateway.stop();
    const profile = options.profileDir ? summarizeNewestProfile(options.profileDir) : undefined;
    return { rows, sendBatch, broker, memory, cpuSeconds, profile };
  } finally {
    await gateway?.stop();
  }
}
