import { spawn } from 'node:child_process';
import type { Kafka } from '@spend-ledger/kafka';
import { createBenchTopic, KAFKA_BROKERS } from '../lib/bench-kafka.ts';
import { REPO_ROOT } from '../lib/child-service.ts';

export interface BrokerLimit {
  records: number;
  recordBytes: number;
  eventsPerSecond: number;
  avgLatencyMs: number;
  /** The tool's summary line, verbatim. */
  summary: string;
}

/**
 * What the broker itself takes on this machine with acks=all: Kafka's own Java ProducerPerformance
 * (run through the launcher's `tool` command, C1-only JIT, idempotent producer with its default
 * batching), records the size of our events. Above the kafkajs figure, the Kafka client in our
 * process is the wall, not the broker.
 */
export async function measureBrokerLimit(kafka: Kafka, topic: string, records: number): Promise<BrokerLimit> {
  await createBenchTopic(kafka, topic);
  const recordBytes = 530;
  const args = [
    'deploy/kafka/kafka.sh',
    'tool',
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${KAFKA_BROKERS}`,
    'acks=all',
    'enable.idempotence=true',
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`ProducerPerformance exited ${code}: ${out.slice(-500)}`)),
    );
  });
  const summary = output
    .trim()
    .split('\n')
    .filter((l) => / records sent, /.test(l))
    .pop();
  const m = summary ? /records sent, ([\d.]+) records\/sec .*?, ([\d.]+) ms avg latency/.exec(summary) : null;
  if (!summary || !m) throw new Error(`no summary from ProducerPerformance: ${output.slice(-500)}`);
  return { records, recordBytes, eventsPerSecond: Number(m[1]), avgLatencyMs: Number(m[2]), summary };
}
