import type { SpendEvent } from '@spend-ledger/contract';
import type { Kafka } from '@spend-ledger/kafka';
import { WRITER_PROCESS_ENV } from '../../services/ledger-writer/src/process-settings.ts';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { createBenchTopic, KAFKA_BROKERS, waitForLagZero } from '../lib/bench-kafka.ts';
import { type ChildService, spawnService } from '../lib/child-service.ts';
import { cpuDelta, snapshotCpu } from '../lib/cpu-usage.ts';
import { type RssRecord, recordRss } from '../lib/rss-record.ts';
import { percentile, sleep } from '../lib/stats.ts';
import { type LedgerCheck, verifyLedger } from '../lib/verify-ledger.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from '../workload/spend-events.ts';
import { INGEST_TOKEN } from './gateway-throughput.ts';

const QUERY_TOKEN = 'bench-query-token-0123456789';
const BATCH = 100;
const PROBES_PER_SECOND = 5;
/** First poll interval; it grows with the wait (5% of it, at most 250 ms) so slow runs stay cheap. */
const POLL_MS = 25;
/** Probes polling at once; further probes are skipped, so a lagging writer is not buried in reads. */
const MAX_PROBES_IN_FLIGHT = 20;
const MAX_IN_FLIGHT = 64;

export interface EndToEndResult {
  targetEventsPerSecond: number;
  achievedEventsPerSecond: number;
  seconds: number;
  probes: number;
  visibleP50Ms: number | undefined;
  visibleP99Ms: number | undefined;
  visibleMaxMs: number | undefined;
  ackP50Ms: number | undefined;
  ackP99Ms: number | undefined;
  failedPosts: number;
  /** Batches not sent on time because MAX_IN_FLIGHT posts were still waiting. */
  skippedBatches: number;
  /** Probes not made because MAX_PROBES_IN_FLIGHT were still polling (only when latency is seconds). */
  skippedProbes: number;
  memory: RssRecord[];
  cpuSeconds: Record<string, number>;
  check: LedgerCheck;
}

/**
 * Event → queryable at a fixed rate: batches of 100 posted to the gateway on schedule for `seconds`;
 * about five times a second one fresh event of a just-acknowledged batch is polled on the query
 * API (`GET /v1/logs/{request_id}`, every 25 ms at first, then every 5% of the wait so far, at most
 * 250 ms) until it is there. Latency = first 200 − the 202, so it is overstated by at most ~5%.
 * The same transaction writes the aggregates, so the log row's visibility is theirs too.
 */
export async function measureEndToEnd(
  kafka: Kafka,
  topic: string,
  options: { suffix: string; eventsPerSecond: number; seconds: number; env: Record<string, string> },
): Promise<EndToEndResult> {
  await createBenchTopic(kafka, topic);
  const database = await createBenchDatabase(`e2e_${options.suffix}`);
  const groupId = `bench-e2e-${options.suffix}`;
  const services: ChildService[] = [];
  try {
    const env = { KAFKA_BROKERS, SPEND_TOPIC: topic, DATABASE_URL: database.url, ...options.env };
    services.push(
      ...(await Promise.all([
        spawnService('ledger-writer', {
          label: 'writer',
          // Started as every deployment starts it (heap and malloc settings), as in the writer suite.
          env: {
            ...WRITER_PROCESS_ENV,
            ...env,
            DEAD_LETTER_TOPIC: `${topic}.dlq`,
            WRITER_GROUP_ID: groupId,
            WRITER_PORT: '0',
          },
        }),
        spawnService('query-api', {
          label: 'query-api',
          env: { ...env, QUERY_PORT: '0', LEDGER_QUERY_TOKENS: QUERY_TOKEN },
        }),
        spawnService('gateway', {
          label: 'gateway',
          env: { ...env, GATEWAY_PORT: '0', LEDGER_INGEST_TOKENS: INGEST_TOKEN },
        }),
      ])),
    );
    const [writer, query, gateway] = services as [ChildService, ChildService, ChildService];
    const generator = new SpendEventGenerator({
      ...DEFAULT_WORKLOAD,
      expectedEvents: options.eventsPerSecond * options.seconds,
    });
    const before = snapshotCpu({ gateway: [gateway.pid], writer: [writer.pid], 'query-api': [query.pid] });
    const load = await runScheduledLoad(
      gateway.url,
      query.url,
      generator,
      options.eventsPerSecond,
      options.seconds,
    );
    await waitForLagZero(kafka, groupId, topic, { timeoutMs: 120_000 });
    const cpuSeconds = cpuDelta(
      before,
      snapshotCpu({ gateway: [gateway.pid], writer: [writer.pid], 'query-api': [query.pid] }, [
        database.name,
      ]),
    );
    const memory = [
      await recordRss('gateway', 'end to end', gateway),
      await recordRss('writer', 'end to end', writer),
      await recordRss('query-api', 'end to end', query),
    ];
    return {
      ...load,
      targetEventsPerSecond: options.eventsPerSecond,
      seconds: options.seconds,
      memory,
      cpuSeconds,
      check: await verifyLedger(database.sql, generator.stats),
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await database.drop();
  }
}

type LoadFigures = Omit<
  EndToEndResult,
  'targetEventsPerSecond' | 'seconds' | 'memory' | 'cpuSeconds' | 'check'
>;

async function runScheduledLoad(
  gatewayUrl: string,
  queryUrl: string,
  generator: SpendEventGenerator,
  eventsPerSecond: number,
  seconds: number,
): Promise<LoadFigures> {
  const acks: number[] = [];
  const visible: number[] = [];
  const probes: Promise<void>[] = [];
  let sentBatches = 0;
  let inFlight = 0;
  let failedPosts = 0;
  let skippedBatches = 0;
  let accepted = 0;
  let probing = 0;
  let skippedProbes = 0;
  const batchesPerSecond = eventsPerSecond / BATCH;
  const probeEvery = Math.max(1, Math.round(batchesPerSecond / PROBES_PER_SECOND));
  const started = performance.now();
  const post = async (events: SpendEvent[], probe: SpendEvent | undefined) => {
    const sentAt = performance.now();
    const res = await fetch(`${gatewayUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    await res.arrayBuffer();
    const ackedAt = performance.now();
    if (res.status !== 202) {
      failedPosts += 1;
      return;
    }
    accepted += events.length;
    acks.push(ackedAt - sentAt);
    if (!probe) return;
    if (probing >= MAX_PROBES_IN_FLIGHT) {
      skippedProbes += 1;
      return;
    }
    probing += 1;
    probes.push(
      pollUntilVisible(queryUrl, probe.request_id, ackedAt).then((ms) => {
        probing -= 1;
        visible.push(ms);
      }),
    );
  };
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * batchesPerSecond);
    while (sentBatches < due) {
      sentBatches += 1;
      if (inFlight >= MAX_IN_FLIGHT) {
        skippedBatches += 1;
        continue;
      }
      const events: SpendEvent[] = [];
      let probe: SpendEvent | undefined;
      for (let i = 0; i < BATCH; i++) {
        const duplicatesBefore = generator.stats.duplicates;
        const event = generator.next();
        events.push(event);
        if (!probe && generator.stats.duplicates === duplicatesBefore) probe = event;
      }
      inFlight += 1;
      void post(events, sentBatches % probeEvery === 0 ? probe : undefined)
        .catch(() => {
          failedPosts += 1;
        })
        .finally(() => {
          inFlight -= 1;
        });
    }
    await sleep(5);
  }
  while (inFlight > 0) await sleep(10);
  await Promise.all(probes);
  const elapsed = (performance.now() - started) / 1000;
  return {
    achievedEventsPerSecond: accepted / elapsed,
    probes: visible.length,
    visibleP50Ms: percentile(visible, 50),
    visibleP99Ms: percentile(visible, 99),
    visibleMaxMs: percentile(visible, 100),
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    failedPosts,
    skippedBatches,
    skippedProbes,
  };
}

async function pollUntilVisible(queryUrl: string, requestId: string, since: number): Promise<number> {
  const deadline = since + 60_000;
  while (performance.now() < deadline) {
    const res = await fetch(`${queryUrl}/v1/logs/${encodeURIComponent(requestId)}`, {
      headers: { authorization: `Bearer ${QUERY_TOKEN}` },
    });
    await res.arrayBuffer();
    if (res.status === 200) return performance.now() - since;
    await sleep(Math.min(250, Math.max(POLL_MS, (performance.now() - since) * 0.05)));
  }
  return Number.POSITIVE_INFINITY;
}
