import type { EndToEndResult } from './suites/end-to-end.ts';
import type { GatewayResult } from './suites/gateway-throughput.ts';
import type { NaiveResult } from './suites/naive-baseline.ts';
import type { WriterRun } from './suites/run-writers.ts';

export interface TargetInputs {
  writer?: WriterRun;
  /** The writer with DISABLE_SPEND_LOGS=true on the same topic. */
  writerNoLogs?: WriterRun;
  naive?: NaiveResult;
  gateway?: GatewayResult;
  e2e?: EndToEndResult;
  rss: Array<{ service: string; mb: number | undefined }>;
}

const atLeast = (v: number | undefined, goal: number) => (v === undefined ? undefined : v >= goal);
const below = (v: number | undefined, goal: number) => (v === undefined ? undefined : v < goal);
const maxOf = (values: Array<number | undefined>) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
};

const thousands = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * What the Kafka client alone reached in the same run, printed beside the gateway's targets: kafkajs'
 * sendBatch with the gateway's producer settings (one call in flight) and, for scale, Kafka's Java
 * producer on the same broker.
 */
function clientLimit(g: GatewayResult | undefined): string | undefined {
  if (!g) return undefined;
  const kafkajs = g.sendBatch
    .map((s) => `${thousands(s.eventsPerSecond)} (${thousands(s.messagesPerCall)}/call)`)
    .join(', ');
  const java = g.broker ? `; Java producer ${thousands(g.broker.eventsPerSecond)}` : '';
  return `kafkajs sendBatch ev/s ${kafkajs}${java}`;
}

/** The targets next to this run's figures. */
export function evaluateTargets(r: TargetInputs) {
  const gw = (batch: number) => r.gateway?.rows.find((row) => row.batch === batch);
  const limit = r.gateway ? Math.max(...r.gateway.sendBatch.map((s) => s.eventsPerSecond)) : undefined;
  const beside = clientLimit(r.gateway);
  const writerVsNaive = r.writer && r.naive ? r.writer.eventsPerSecond / r.naive.eventsPerSecond : undefined;
  const gwVsClient = gw(100) && limit ? gw(100)!.eventsPerSecond / limit : undefined;
  const p99at80 = maxOf([gw(1)?.at80.p99Ms, gw(100)?.at80.p99Ms]);
  const rss = (service: string) => maxOf(r.rss.filter((x) => x.service === service).map((x) => x.mb));
  return [
    {
      target: 'writer events/s, per-request rows on',
      goal: '≥ 30,000',
      measured: r.writer?.eventsPerSecond,
      met: atLeast(r.writer?.eventsPerSecond, 30_000),
    },
    {
      target: 'writer events/s, DISABLE_SPEND_LOGS',
      goal: '≥ 50,000',
      measured: r.writerNoLogs?.eventsPerSecond,
      met: atLeast(r.writerNoLogs?.eventsPerSecond, 50_000),
    },
    { target: 'writer / naive', goal: '≥ 60×', measured: writerVsNaive, met: atLeast(writerVsNaive, 60) },
    {
      target: 'gateway events/s, batch 100',
      goal: '≥ 100,000',
      measured: gw(100)?.eventsPerSecond,
      met: atLeast(gw(100)?.eventsPerSecond, 100_000),
      beside,
    },
    {
      target: 'gateway req/s, batch 1',
      goal: '≥ 10,000',
      measured: gw(1)?.requestsPerSecond,
      met: atLeast(gw(1)?.requestsPerSecond, 10_000),
      beside,
    },
    {
      target: 'gateway p99 ms at 80% (worst of batch 1/100)',
      goal: '< 50',
      measured: p99at80,
      met: below(p99at80, 50),
      beside: r.gateway?.sendBatch
        .map((s) => `${s.msPerCall.toFixed(1)} ms/call (${thousands(s.messagesPerCall)}/call)`)
        .join(', '),
    },
    {
      target: 'gateway / sendBatch, batch 100',
      goal: '≥ 0.7',
      measured: gwVsClient,
      met: atLeast(gwVsClient, 0.7),
      beside,
    },
    {
      target: 'event→queryable p99 ms',
      goal: '< 2,000',
      measured: r.e2e?.visibleP99Ms,
      met: below(r.e2e?.visibleP99Ms, 2_000),
    },
    { target: 'writer peak RSS MB', goal: '< 200', measured: rss('writer'), met: below(rss('writer'), 200) },
    {
      target: 'gateway peak RSS MB',
      goal: '< 150',
      measured: rss('gateway'),
      met: below(rss('gateway'), 150),
    },
  ];
}
