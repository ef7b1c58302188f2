// `node --import tsx bench/kafkajs-encode.ts plain|ours`: time kafkajs' encoding of one produce request
// as the gateway sends it at the batch-100 maximum (5,000 bench events in 12 envelope records over 6
// partitions, ~2.9 MB, framed as kafkajs frames it), with kafkajs as shipped ("plain") or loaded
// through @spend-ledger/kafka ("ours": our CRC-32C, unzeroed Encoder and, since session 7, the one-pass
// produce encoder that frames in place). One variant per process,
// since kafkajs is loaded once per process; alternate them. It is synchronous work on the gateway's
// event loop, so it is also the length of one encoding stall.
import { createRequire } from 'node:module';
import { DEFAULT_WORKLOAD, SpendEventGenerator } from './workload/spend-events.ts';

const variant = process.argv[2];
if (variant !== 'plain' && variant !== 'ours') throw new Error('usage: bench/kafkajs-encode.ts plain|ours');
if (variant === 'ours') await import('../packages/kafka/src/kafkajs.ts');
const require = createRequire(new URL('../packages/kafka/package.json', import.meta.url));
type Encoded = { buffer: Buffer };
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: object) => object;
const frame = require('kafkajs/src/protocol/request.js') as (args: object) => Promise<Encoded>;

const events = new SpendEventGenerator({
  ...DEFAULT_WORKLOAD,
  duplicateShare: 0,
  expectedEvents: 5_000,
}).take(5_000);
const json = events.map((e) => JSON.stringify(e));
const partitions = Array.from({ length: 6 }, (_, partition) => {
  const mine = json.filter((_, i) => i % 6 === partition);
  const half = Math.ceil(mine.length / 2);
  return {
    partition,
    firstSequence: 0,
    messages: [mine.slice(0, half), mine.slice(half)].map((part, i) => ({
      key: `key-${partition}-${i}`,
      value: `[${part.join(',')}]`,
      headers: { 'contract-version': '2' },
    })),
  };
});
const encodeOnce = async () => {
  const request = produceV3({
    acks: -1,
    timeout: 30_000,
    topicData: [{ topic: 'spend-events.v1', partitions }],
  });
  return (await frame({ correlationId: 1, clientId: 'bench', request })).buffer.length;
};

for (let i = 0; i < 30; i++) await encodeOnce();
const runs = 200;
let bytes = 0;
const each: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  bytes = await encodeOnce();
  each.push(performance.now() - start);
}
const ms = (performance.now() - t0) / runs;
const cpu = process.cpuUsage(cpu0);
each.sort((a, b) => a - b);
// Each encoding is one synchronous stretch of the event loop: its median and worst are the stalls.
console.log(
  `${variant}: ${(bytes / 1e6).toFixed(2)} MB request, ${ms.toFixed(2)} ms wall, ` +
    `${((cpu.user + cpu.system) / 1_000 / runs).toFixed(2)} ms CPU (with GC threads) per request; ` +
    `median ${each[runs / 2]?.toFixed(2)} ms, max ${each[runs - 1]?.toFixed(2)} ms; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
