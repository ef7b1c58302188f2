import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, type SuiteName } from './cli-options.ts';
import { createBenchKafka, deleteBenchTopics } from './lib/bench-kafka.ts';
import type { RssRecord } from './lib/rss-record.ts';
import * as report from './report.ts';
import {
  type CollapseRow,
  measureCollapse,
  measureShardChoice,
  type ShardChoiceRow,
} from './suites/aggregate-collapse.ts';
import type { CopyResult } from './suites/copy-limit.ts';
import { measureCopyLimit } from './suites/copy-limit.ts';
import { type EndToEndResult, measureEndToEnd } from './suites/end-to-end.ts';
import { type GatewayResult, measureGateway } from './suites/gateway-throughput.ts';
import { measureNaiveBaseline, type NaiveResult } from './suites/naive-baseline.ts';
import { type PreloadedTopic, preloadTopic } from './suites/preload-topic.ts';
import { runWriters, type WriterRun } from './suites/run-writers.ts';
import { measureWriterPhases, type PhaseResult } from './suites/writer-phases.ts';
import { evaluateTargets } from './targets.ts';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const options = parseBenchOptions(process.argv.slice(2));
const startedAt = new Date();
// Lowercase letters, digits and _ only: it ends up in database names.
const suffix = `${options.mode === 'quick' ? 'q' : 'f'}${Date.now().toString(36)}`;
const kafka = createBenchKafka();
const topics: string[] = [];
const failures: Array<{ suite: string; error: string }> = [];
const wants = (s: SuiteName) => options.suites.includes(s);
const rss: RssRecord[] = [];

const r: {
  preload?: PreloadedTopic;
  writer?: WriterRun;
  /** The same writer on the same topic with DISABLE_SPEND_LOGS=true. */
  writerNoLogs?: WriterRun;
  copy?: CopyResult[];
  copyPerIndex?: CopyResult[];
  naive?: NaiveResult;
  phases: PhaseResult[];
  collapse: CollapseRow[];
  shardChoice: ShardChoiceRow[];
  scaling: WriterRun[];
  gateway?: GatewayResult;
  e2e?: EndToEndResult;
} = { phases: [], collapse: [], shardChoice: [], scaling: [] };

/** Runs one suite; a failure is recorded and the other suites still run. */
async function suite(name: string, fn: () => Promise<void>): Promise<void> {
  const started = performance.now();
  console.error(`\n… ${name}`);
  try {
    await fn();
  } catch (error) {
    // Messages only: a failed statement's error carries its parameters, megabytes of JSON.
    const e = error as Error & { cause?: Error; code?: string };
    console.error(
      `✗ ${name} failed: ${e.message}${e.code ? ` (${e.code})` : ''}${e.cause ? ` — ${e.cause.message}` : ''}`,
    );
    failures.push({ suite: name, error: String((error as Error)?.message ?? error) });
  }
  console.error(`  ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(
  `# Spend Ledger bench (${options.mode}) — ${startedAt.toISOString()}, ${availableParallelism()} cores, node ${process.version}`,
);
try {
  if (wants('writer') || wants('scaling') || wants('copy') || wants('naive')) {
    await suite('preload', async () => {
      const topic = `bench-spend-${suffix}`;
      topics.push(topic, `${topic}.dlq`);
      r.preload = await preloadTopic(kafka, topic, options.events, options.eventsPerRecord);
      report.reportPreload(r.preload);
    });
  }
  const profileDir = options.cpuProfile ? `${RESULTS_DIR}profiles` : undefined;
  if (wants('writer') && r.preload) {
    await suite('writer', async () => {
      r.writer = await runWriters(kafka, r.preload!, {
        suffix,
        replicas: 1,
        env: options.serviceEnv,
        profileDir,
      });
      rss.push(...r.writer.memory);
      report.reportWriter(r.writer);
    });
    await suite('writer, DISABLE_SPEND_LOGS', async () => {
      r.writerNoLogs = await runWriters(kafka, r.preload!, {
        suffix: `${suffix}n`,
        replicas: 1,
        env: { DISABLE_SPEND_LOGS: 'true', ...options.serviceEnv },
        profileDir: profileDir && `${profileDir}-nologs`,
      });
      rss.push(...r.writerNoLogs.memory);
      report.reportWriter(r.writerNoLogs);
    });
  }
  if (wants('copy')) {
    await suite('copy', async () => {
      const copy = await measureCopyLimit(suffix, options.events, options.perIndexRows);
      r.copy = copy.totals;
      r.copyPerIndex = copy.perIndex;
    });
  }
  if (wants('naive')) {
    await suite('naive', async () => {
      r.naive = await measureNaiveBaseline(suffix, options.naiveEvents, options.events);
    });
  }
  report.reportWriterComparison(r.writer, r.copy, r.naive, r.writerNoLogs);
  report.reportPerIndex(r.copyPerIndex);
  if (wants('phases')) {
    for (const size of options.phaseBatchSizes) {
      await suite(`phases ${size}`, async () => {
        r.phases.push(await measureWriterPhases(suffix, size, options.phaseEvents));
      });
    }
    report.reportPhases(r.phases);
    await suite('aggregate collapse', async () => {
      r.collapse = measureCollapse(options.collapseWindows, options.collapseEvents);
    });
    report.reportCollapse(r.collapse);
    await suite('shard choice', async () => {
      // Windows up to 20,000 events: the writer's default is 5,000, and each variant aggregates
      // the whole workload again.
      const windows = options.collapseWindows.filter((w) => w <= 20_000);
      r.shardChoice = measureShardChoice(windows, options.collapseEvents);
    });
    report.reportShardChoice(r.shardChoice);
  }
  if (wants('scaling')) {
    // Its own, smaller topic keeps the full run within ~15 minutes; every replica count reads the
    // same topic with a fresh group and database, so the rows compare.
    let scalingTopic = r.preload;
    if (options.scalingEvents !== options.events || !scalingTopic) {
      await suite('preload for scaling', async () => {
        const topic = `bench-scaling-${suffix}`;
        topics.push(topic, `${topic}.dlq`);
        scalingTopic = await preloadTopic(kafka, topic, options.scalingEvents, options.eventsPerRecord);
      });
    }
    for (const replicas of scalingTopic ? options.scalingReplicas : []) {
      if (replicas === 1 && r.writer && scalingTopic === r.preload) {
        r.scaling.push(r.writer);
        continue;
      }
      await suite(`scaling ${replicas}`, async () => {
        const run = await runWriters(kafka, scalingTopic!, {
          suffix: `s${suffix}`,
          replicas,
          env: options.serviceEnv,
        });
        rss.push(...run.memory);
        r.scaling.push(run);
      });
    }
    report.reportScaling(r.scaling);
  }
  if (wants('gateway')) {
    await suite('gateway', async () => {
      const topic = `bench-gw-${suffix}`;
      topics.push(topic, `${topic}-java`);
      r.gateway = await measureGateway(kafka, topic, {
        suffix,
        batches: options.gatewayBatches,
        seconds: options.gatewaySeconds,
        connections: options.gatewayConnections,
        sendBatchSeconds: options.sendBatchSeconds,
        brokerRecords: options.brokerRecords,
        profileDir: options.cpuProfile ? `${RESULTS_DIR}profiles-gateway` : undefined,
        env: options.serviceEnv,
      });
      rss.push(r.gateway.memory);
      report.reportGateway(r.gateway);
    });
  }
  if (wants('e2e')) {
    await suite('e2e', async () => {
      const topic = `bench-e2e-${suffix}`;
      topics.push(topic, `${topic}.dlq`);
      const maxima = [
        r.writer?.eventsPerSecond,
        r.gateway?.rows.find((x) => x.batch === 100)?.eventsPerSecond,
      ];
      const known = maxima.filter((v): v is number => v !== undefined);
      const rate = options.e2eRate ?? (known.length > 0 ? Math.floor(Math.min(...known) / 2) : 2_000);
      r.e2e = await measureEndToEnd(kafka, topic, {
        suffix,
        eventsPerSecond: rate,
        seconds: options.e2eSeconds,
        env: options.serviceEnv,
      });
      rss.push(...r.e2e.memory);
      report.reportEndToEnd(r.e2e);
    });
  }
  report.reportRss(rss);
  report.reportTargets(evaluateTargets({ ...r, rss }));
} finally {
  await deleteBenchTopics(kafka, topics).catch((error) =>
    console.error('could not delete bench topics', error),
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}bench-${options.mode}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  const correctness = [r.writer, r.writerNoLogs, ...r.scaling, r.naive, r.e2e].filter(
    (x) => x && !x.check.ok,
  ).length;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt,
        options,
        machine: {
          cores: availableParallelism(),
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        results: r,
        rss,
        failures,
        tables: report.printed,
      },
      (_, v) => (typeof v === 'bigint' ? v.toString() : v),
      2,
    )}\n`,
  );
  console.log(`\nresults: ${file}`);
  if (failures.length > 0 || correctness > 0) {
    console.error(`${failures.length} suite(s) failed, ${correctness} correctness check(s) failed`);
    process.exitCode = 1;
  }
}
