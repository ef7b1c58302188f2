import { mkdirSync } from 'node:fs';
import type { Kafka } from '@spend-ledger/kafka';
import { WRITER_PROCESS_ENV } from '../../services/ledger-writer/src/process-settings.ts';
import { createBenchDatabase } from '../lib/bench-db.ts';
import { KAFKA_BROKERS, waitForLagZero } from '../lib/bench-kafka.ts';
import { type ChildService, spawnService } from '../lib/child-service.ts';
import { type ProfileSummary, summarizeNewestProfile } from '../lib/cpu-profile-summary.ts';
import { cpuDelta, snapshotCpu } from '../lib/cpu-usage.ts';
import { type ActivitySampler, sampleActivity } from '../lib/pg-activity.ts';
import {
  counterDelta,
  findPostmasterPid,
  readServerCounters,
  readWriteSettings,
  type ServerCounters,
} from '../lib/pg-server-stats.ts';
import { type RssRecord, recordRss } from '../lib/rss-record.ts';
import { scrapeMetrics } from '../lib/scrape-metrics.ts';
import { type LedgerCheck, verifyLedger } from '../lib/verify-ledger.ts';
import type { PreloadedTopic } from './preload-topic.ts';

export interface WriterRun {
  replicas: number;
  /** Per-request rows written (false: DISABLE_SPEND_LOGS=true, aggregates and request_ids only). */
  spendLogs: boolean;
  messages: number;
  /** From the last replica's health server up (consumer connecting) to lag zero. */
  seconds: number;
  /** From spawning the first process (node start-up, group join) to lag zero. */
  secondsFromSpawn: number;
  eventsPerSecond: number;
  uniqueEventsPerSecond: number;
  /** Ledger transactions (flush windows, or partition batches in older writers). */
  writes: number;
  eventsPerWrite: number;
  msPerWrite: number;
  peakRssMb: Array<number | undefined>;
  memory: RssRecord[];
  cpuSeconds: Record<string, number>;
  check: LedgerCheck;
  /** Postgres side: the writers' connections by state, averaged over the run. */
  pgActivity: Array<{ state: string; backends: number }>;
  /** Server-wide WAL and checkpoint counters over the run (all databases of that server). */
  pgServer: ServerCounters;
  /** The server's write-path settings (shared_buffers, max_wal_size, ...) the run had. */
  pgSettings: Record<string, string>;
  profile?: ProfileSummary;
}

export interface WriterRunOptions {
  suffix: string;
  replicas: number;
  env: Record<string, string>;
  profileDir?: string;
}

/** The writer's per-transaction histogram: flush windows now, partition batches before. */
const WRITE_METRICS = [
  'writer_flush_seconds_count',
  'writer_flush_seconds_sum',
  'writer_batch_seconds_count',
  'writer_batch_seconds_sum',
] as const;

/**
 * Starts `replicas` writer processes on an already preloaded topic with a fresh group and a fresh
 * database, times them until the group's lag is zero, then checks the ledger is exactly right.
 */
export async function runWriters(
  kafka: Kafka,
  preload: PreloadedTopic,
  options: WriterRunOptions,
): Promise<WriterRun> {
  const spendLogs = options.env.DISABLE_SPEND_LOGS !== 'true';
  const database = await createBenchDatabase(`w${options.replicas}_${options.suffix}`);
  const groupId = `bench-writer-${options.suffix}-r${options.replicas}`;
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const writers: ChildService[] = [];
  let activity: ActivitySampler | undefined;
  try {
    const postmasterPid = await findPostmasterPid(database.sql);
    const pgSettings = await readWriteSettings(database.sql);
    const countersBefore = await readServerCounters(database.sql);
    const before = snapshotCpu({}, [], postmasterPid);
    activity = sampleActivity(database.sql, database.name, 'spend-ledger-writer');
    const started = await Promise.all(
      Array.from({ length: options.replicas }, (_, i) =>
        spawnService('ledger-writer', {
          label: `writer-${i + 1}`,
          cpuProfileDir: options.profileDir,
          env: {
            DATABASE_URL: database.url,
            KAFKA_BROKERS,
            SPEND_TOPIC: preload.topic,
            DEAD_LETTER_TOPIC: `${preload.topic}.dlq`,
            WRITER_GROUP_ID: groupId,
            WRITER_PORT: '0',
            // The node flags and malloc settings every deployment sets (up.sh, compose, Kubernetes,
            // docs/decisions.md "Writer memory"); --env can override them.
            ...WRITER_PROCESS_ENV,
            ...options.env,
          },
        }),
      ),
    );
    writers.push(...started);
    const timeoutMs = Math.max(120_000, preload.messages * 2);
    const done = await waitForLagZero(kafka, groupId, preload.topic, { timeoutMs });
    const pgActivity = await activity.stop();
    const cpu = cpuDelta(
      before,
      snapshotCpu({ writers: writers.map((w) => w.pid) }, [database.name], postmasterPid),
    );
    const pgServer = counterDelta(countersBefore, await readServerCounters(database.sql));
    const metrics = await Promise.all(writers.map((w) => scrapeMetrics(w.opsUrl, WRITE_METRICS)));
    const sum = (a: string, b: string) => metrics.reduce((n, m) => n + (m[a] ?? m[b] ?? 0), 0);
    const writes = sum('writer_flush_seconds_count', 'writer_batch_seconds_count');
    const writeSeconds = sum('writer_flush_seconds_sum', 'writer_batch_seconds_sum');
    const peakRssMb = writers.map((w) => w.peakRssMb());
    const memory = await Promise.all(
      writers.map((w) => recordRss('writer', `${options.replicas} replica(s): ${w.label}`, w)),
    );
    const ready = Math.max(...writers.map((w) => w.listeningAt));
    const spawned = Math.min(...writers.map((w) => w.spawnedAt));
    await Promise.all(writers.splice(0).map((w) => w.stop()));
    const seconds = (done - ready) / 1000;
    return {
      replicas: options.replicas,
      spendLogs,
      messages: preload.messages,
      seconds,
      secondsFromSpawn: (done - spawned) / 1000,
      eventsPerSecond: preload.messages / seconds,
      uniqueEventsPerSecond: preload.totals.unique / seconds,
      writes,
      eventsPerWrite: writes ? preload.messages / writes : 0,
      msPerWrite: writes ? (writeSeconds / writes) * 1000 : 0,
      peakRssMb,
      memory,
      cpuSeconds: cpu,
      check: await verifyLedger(database.sql, preload.totals, { spendLogs }),
      pgActivity,
      pgServer,
      pgSettings,
      profile: options.profileDir ? summarizeNewestProfile(options.profileDir) : undefined,
    };
  } finally {
    await activity?.stop();
    await Promise.all(writers.map((w) => w.stop()));
    await database.drop();
  }
}
