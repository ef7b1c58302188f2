// `node --import tsx bench/gateway-cpu-per-request.ts [--rate 3000] [--seconds 8] [--rounds 2]
// [--batch 1] ROOT...`: the gateway's CPU per request at a fixed, evenly spaced rate, for the compiled
// gateway of each repository ROOT (worktrees: e.g. main's HEAD and a branch), alternating ROOTs each
// round. The closed-loop maximum at batch 1 is bounded by the latency of Kafka's acknowledgements as
// much as by the gateway's CPU; at a fixed rate below every variant's maximum, the CPU seconds the
// gateway process spends (user and system, from /proc) per request are what the per-request path
// costs. Run under the bench lock; build each ROOT first (`npm run build`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBenchKafka, createBenchTopic, deleteBenchTopics, KAFKA_BROKERS } from './lib/bench-kafka.ts';
import { spawnService } from './lib/child-service.ts';
import { runPacedLoad } from './lib/paced-load.ts';
import { INGEST_TOKEN } from './suites/gateway-throughput.ts';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from './workload/spend-events.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rate: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    batch: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
if (positionals.length === 0) throw new Error('usage: bench/gateway-cpu-per-request.ts [options] ROOT...');
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const batch = Number(values.batch);
const extraEnv = Object.fromEntries(
  (values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const TICKS = 100;

/** User and system CPU seconds of a process and its direct children (GATEWAY_WORKERS forks). */
function cpuOf(pid: number): { user: number; system: number } {
  const stat = (p: number) => {
    const text = readFileSync(`/proc/${p}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  };
  const own = stat(pid);
  return { user: Number(own[11]) / TICKS, system: Number(own[12]) / TICKS };
}

const events = new SpendEventGenerator({
  ...DEFAULT_WORKLOAD,
  duplicateShare: 0,
  expectedEvents: 20_000,
}).take(20_000);
const bodies = Array.from({ length: Math.floor(events.length / batch) }, (_, i) =>
  JSON.stringify(batch === 1 ? events[i] : events.slice(i * batch, (i + 1) * batch)),
);
const kafka = createBenchKafka();
const topic = `bench-cpu-per-request-${Date.now()}`;
await createBenchTopic(kafka, topic);
const load = await import('node:os').then((os) => os.loadavg()[0]?.toFixed(2));
console.log(`rate ${rate}/s × ${seconds} s, batch ${batch}, load ${load}`);
console.log(
  'root | round | req/s | p50 ms | p99 ms | user µs/req | system µs/req | total µs/req | peak RSS MB | load',
);
try {
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const root of positionals) {
      const gateway = await spawnService('gateway', {
        label: 'gateway',
        root,
        env: {
          GATEWAY_PORT: '0',
          LEDGER_INGEST_TOKENS: INGEST_TOKEN,
          KAFKA_BROKERS,
          SPEND_TOPIC: topic,
          ...extraEnv,
        },
      });
      try {
        const target = {
          url: `${gateway.url}/v1/events`,
          token: INGEST_TOKEN,
          bodies,
          connections: Number(values.connections),
        };
        await runPacedLoad({ ...target, rate, seconds: 2 });
        const before = cpuOf(gateway.pid);
        const result = await runPacedLoad({ ...target, rate, seconds });
        const after = cpuOf(gateway.pid);
        const served = result.requestsPerSecond * seconds;
        const per = (s: number) => ((s / served) * 1e6).toFixed(1);
        const user = after.user - before.user;
        const system = after.system - before.system;
        console.log(
          [
            root,
            round,
            Math.round(result.requestsPerSecond),
            result.p50Ms.toFixed(1),
            result.p99Ms.toFixed(1),
            per(user),
            per(system),
            per(user + system),
            gateway.peakRssMb(),
            (await import('node:os')).loadavg()[0]?.toFixed(2),
          ].join(' | '),
        );
      } finally {
        await gateway.stop();
      }
    }
  }
} finally {
  await deleteBenchTopics(kafka, [topic]).catch(() => undefined);
}
