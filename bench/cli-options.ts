import { parseArgs } from 'node:util';

export const SUITES = ['writer', 'copy', 'naive', 'phases', 'scaling', 'gateway', 'e2e'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface BenchOptions {
  mode: 'full' | 'quick';
  suites: SuiteName[];
  /** Events preloaded for the writer, COPY and scaling runs. */
  events: number;
  /** Events per Kafka record in the preload: > 1 is v2 envelopes (the gateway's way), 1 is v1. */
  eventsPerRecord: number;
  naiveEvents: number;
  /** Rows COPYed into a table with one index at a time, per spend_logs index. */
  perIndexRows: number;
  phaseEvents: number;
  phaseBatchSizes: number[];
  /** Flush windows (events) for the aggregate-collapse table, and the events it draws. */
  collapseWindows: number[];
  collapseEvents: number;
  scalingReplicas: number[];
  /** Events preloaded for the scaling runs (their own topic when it differs from `events`). */
  scalingEvents: number;
  gatewayBatches: number[];
  gatewaySeconds: number;
  gatewayConnections: number;
  sendBatchSeconds: number;
  /** Records for Kafka's Java ProducerPerformance (the broker's own limit). */
  brokerRecords: number;
  e2eSeconds: number;
  /** Fixed e2e rate; default half of min(writer max, gateway max at batch 100) from this run. */
  e2eRate: number | undefined;
  cpuProfile: boolean;
  /** Extra environment for the service processes, e.g. WRITER_PARTITIONS_CONCURRENTLY=6. */
  serviceEnv: Record<string, string>;
}

const FULL = {
  events: 1_000_000,
  eventsPerRecord: 50,
  naiveEvents: 5_000,
  perIndexRows: 100_000,
  phaseEvents: 100_000,
  phaseBatchSizes: [5_000, 20_000],
  collapseWindows: [1_000, 5_000, 20_000, 50_000, 100_000, 200_000],
  collapseEvents: 200_000,
  scalingReplicas: [1, 2, 3],
  scalingEvents: 200_000,
  gatewayBatches: [1, 10, 100],
  gatewaySeconds: 10,
  gatewayConnections: 50,
  sendBatchSeconds: 5,
  brokerRecords: 500_000,
  e2eSeconds: 60,
};

const QUICK: typeof FULL = {
  events: 10_000,
  eventsPerRecord: 50,
  naiveEvents: 200,
  perIndexRows: 10_000,
  phaseEvents: 5_000,
  phaseBatchSizes: [5_000],
  collapseWindows: [1_000, 5_000],
  collapseEvents: 5_000,
  scalingReplicas: [1, 2],
  scalingEvents: 10_000,
  gatewayBatches: [1, 10, 100],
  gatewaySeconds: 1,
  gatewayConnections: 20,
  sendBatchSeconds: 0.5,
  brokerRecords: 20_000,
  e2eSeconds: 3,
};

const USAGE = `npm run bench [-- options]     (npm run bench:quick = --quick)
  --quick               seconds-long run of every suite (CI), numbers not meaningful
  --only a,b            suites: ${SUITES.join(', ')}
  --events N            writer preload (default 1,000,000; quick 10,000)
  --events-per-record N events per Kafka record in the preload (default 50: v2 envelopes, as the
                        gateway coalesces a busy produce request; 1: one v1 record per event)
  --replicas 1,2,3      writer replica counts for the scaling suite
  --scaling-events N    preload of the scaling suite's own topic (default 200,000)
  --e2e-rate N          events/s for the end-to-end run (default: half the measured maximum)
  --e2e-seconds N       duration of the end-to-end run (default 60)
  --gateway-seconds N   per load step (default 10)
  --gateway-batches 1,100  events per request of the gateway steps (default 1,10,100)
  --cpu-prof            V8 CPU profiles of the single-writer run and of the gateway, summarised
  --env KEY=VALUE       extra environment for the service processes (repeatable)`;

const list = (v: string | undefined, fallback: number[]) => (v ? v.split(',').map(Number) : fallback);
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      events: { type: 'string' },
      'events-per-record': { type: 'string' },
      replicas: { type: 'string' },
      'scaling-events': { type: 'string' },
      'e2e-rate': { type: 'string' },
      'e2e-seconds': { type: 'string' },
      'gateway-seconds': { type: 'string' },
      'gateway-batches': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      env: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const base = values.quick ? QUICK : FULL;
  const suites = values.only ? (values.only.split(',') as SuiteName[]) : [...SUITES];
  const unknown = suites.filter((s) => !SUITES.includes(s));
  if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}\n${USAGE}`);
  const serviceEnv = Object.fromEntries(
    (values.env ?? []).map((kv) => {
      const at = kv.indexOf('=');
      if (at < 1) throw new Error(`--env wants KEY=VALUE, got "${kv}"`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
  );
  return {
    ...base,
    mode: values.quick ? 'quick' : 'full',
    suites,
    events: num(values.events, base.events),
    eventsPerRecord: num(values['events-per-record'], base.eventsPerRecord),
    scalingReplicas: list(values.replicas, base.scalingReplicas),
    scalingEvents: num(values['scaling-events'], base.scalingEvents),
    gatewaySeconds: num(values['gateway-seconds'], base.gatewaySeconds),
    gatewayBatches: list(values['gateway-batches'], base.gatewayBatches),
    e2eSeconds: num(values['e2e-seconds'], base.e2eSeconds),
    e2eRate: values['e2e-rate'] ? Number(values['e2e-rate']) : undefined,
    cpuProfile: values['cpu-prof'] ?? false,
    serviceEnv,
  };
}
