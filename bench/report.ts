import { rowLockWaits } from './lib/pg-activity.ts';
import type { RssRecord } from './lib/rss-record.ts';
import { ratio, round } from './lib/stats.ts';
import { printTable } from './lib/table.ts';
import type { CollapseRow, ShardChoiceRow } from './suites/aggregate-collapse.ts';
import type { CopyResult } from './suites/copy-limit.ts';
import type { EndToEndResult } from './suites/end-to-end.ts';
import type { GatewayResult } from './suites/gateway-throughput.ts';
import type { NaiveResult } from './suites/naive-baseline.ts';
import type { PreloadedTopic } from './suites/preload-topic.ts';
import type { WriterRun } from './suites/run-writers.ts';
import type { PhaseResult } from './suites/writer-phases.ts';

/** Every printed table, in order, for the results file. */
export const printed: string[] = [];
const table = (title: string, rows: Parameters<typeof printTable>[1]) =>
  printed.push(printTable(title, rows));

export function reportPreload(p: PreloadedTopic): void {
  table('Preload (kafkajs sendBatch, 5,000 per call, 4 in flight)', [
    {
      events: p.messages,
      records: p.records,
      'events/record': p.eventsPerRecord,
      unique: p.totals.unique,
      duplicates: p.totals.duplicates,
      failures: p.totals.failures,
      seconds: round(p.seconds, 1),
      'events/s': round(p.eventsPerSecond),
    },
  ]);
}

const writerRow = (w: WriterRun) => ({
  replicas: w.replicas,
  'per-request rows': w.spendLogs ? 'on' : 'off',
  events: w.messages,
  seconds: round(w.seconds, 1),
  'events/s': round(w.eventsPerSecond),
  'unique/s': round(w.uniqueEventsPerSecond),
  's from spawn': round(w.secondsFromSpawn, 1),
  writes: w.writes,
  'events/write': round(w.eventsPerWrite),
  'ms/write': round(w.msPerWrite),
  // CPU per event is far less sensitive to other engineers' load than wall-clock rates.
  'writer µs/event': round((w.cpuSeconds.writers ?? 0) * (1e6 / w.messages), 1),
  'pg µs/event': round((w.cpuSeconds['postgres (bench db)'] ?? 0) * (1e6 / w.messages), 1),
  // The whole cluster (checkpointer, WAL writer, autovacuum too): exact on a private server only.
  'pg server µs/event': round((w.cpuSeconds['postgres (its server)'] ?? 0) * (1e6 / w.messages), 1),
  '2-core ceiling ev/s': round(
    2e6 / (((w.cpuSeconds.writers ?? 0) + (w.cpuSeconds['postgres (bench db)'] ?? 0)) * (1e6 / w.messages)),
  ),
  'peak RSS MB': w.peakRssMb.join('/'),
  correct: w.check.ok ? 'yes' : `NO: ${w.check.problems.join('; ')}`,
});

/** Who used the two cores during a writer run (CPU seconds, from /proc). */
const cpuRow = (w: WriterRun) => ({
  replicas: w.replicas,
  writers: w.cpuSeconds.writers,
  'postgres (its db)': w.cpuSeconds['postgres (bench db)'],
  'postgres (its server)': w.cpuSeconds['postgres (its server)'],
  'postgres (all)': w.cpuSeconds.postgres,
  kafka: w.cpuSeconds.kafka,
  bench: w.cpuSeconds.bench,
  others: w.cpuSeconds.others,
  'machine busy': w.cpuSeconds['machine busy'],
  'machine total': w.cpuSeconds['machine total'],
});

export function reportWriter(w: WriterRun): void {
  const mode = w.spendLogs ? '' : ' (DISABLE_SPEND_LOGS=true)';
  table(`1. Writer throughput${mode} (preloaded topic → lag 0, all rows verified)`, [writerRow(w)]);
  table(`CPU seconds during the writer run${mode}`, [cpuRow(w)]);
  table(`Postgres server${mode}: WAL and checkpoints during the run (whole server)`, [
    {
      ...w.pgSettings,
      'WAL MB': round(w.pgServer.walBytes / 2 ** 20),
      'WAL bytes/event': round(w.pgServer.walBytes / w.messages),
      'full-page images/event': round(w.pgServer.walFpi / w.messages, 2),
      checkpoints: w.pgServer.checkpoints,
      'buffers written by backends': w.pgServer.buffersBackend,
      'by checkpoints': w.pgServer.buffersCheckpoint,
      'by bgwriter': w.pgServer.buffersClean,
    },
  ]);
  table(
    `Postgres side${mode}: the writer connections by state (mean number of connections, ≥ 0.01)`,
    w.pgActivity.filter((a) => a.backends >= 0.01),
  );
  if (w.profile) {
    table(`Writer CPU profile: self time by area (${w.profile.seconds} s profiled)`, w.profile.byArea);
    table('Writer CPU profile: hottest functions (self time)', w.profile.topFunctions);
  }
}

export function reportWriterComparison(
  w: WriterRun | undefined,
  copy: CopyResult[] | undefined,
  naive: NaiveResult | undefined,
  withoutLogs?: WriterRun,
): void {
  const rows = [];
  if (w)
    rows.push({
      path: `writer (1 replica)`,
      'events/s': round(w.eventsPerSecond),
      ratio: '1',
      note: 'dedupe + per-request rows + all aggregates',
    });
  if (withoutLogs)
    rows.push({
      path: `writer, DISABLE_SPEND_LOGS`,
      'events/s': round(withoutLogs.eventsPerSecond),
      ratio: `vs rows on ${ratio(withoutLogs.eventsPerSecond, w?.eventsPerSecond) ?? '–'}`,
      note: 'dedupe (request_ids) + all aggregates, same topic',
    });
  for (const c of copy ?? []) {
    rows.push({
      path: `COPY into ${c.target}`,
      'events/s': round(c.rowsPerSecond),
      ratio: `writer/COPY ${ratio(w?.eventsPerSecond, c.rowsPerSecond) ?? '–'}`,
      note: `${c.rows.toLocaleString('en-US')} rows, ${round(c.seconds, 1)} s`,
    });
  }
  if (naive) {
    rows.push({
      path: 'naive: 1 tx per event',
      'events/s': round(naive.eventsPerSecond),
      ratio: `writer/naive ${ratio(w?.eventsPerSecond, naive.eventsPerSecond) ?? '–'}`,
      note: `${naive.events} events, ${round(naive.statementsPerEvent, 1)} statements/event, ${naive.check.ok ? 'correct' : `WRONG: ${naive.check.problems.join('; ')}`}`,
    });
  }
  if (rows.length > 0)
    table('1b. Writer vs the physical limit (COPY) and the naive per-event baseline', rows);
}

export function reportPhases(phases: PhaseResult[]): void {
  if (phases.length === 0) return;
  table(
    'Where a writer batch spends its time (in-process, real write path; mean ms per batch)',
    phases.map((p) => ({
      'batch size': p.batchSize,
      batches: p.batches,
      'statement events/s': round(p.writeEventsPerSecond),
      ...p.ms,
      'daily rows/batch': p.dailyRowsPerBatch,
      'totals rows/batch': p.totalRowsPerBatch,
      'events/daily row': p.eventsPerDailyRow,
    })),
  );
  table(
    'The statement of the last batch by table (EXPLAIN ANALYZE, ms; each includes its input and index upkeep)',
    phases.map((p) => ({ 'batch size': p.batchSize, ...p.explained })),
  );
}

export function reportScaling(runs: WriterRun[]): void {
  if (runs.length === 0) return;
  const one = runs.find((r) => r.replicas === 1)?.eventsPerSecond;
  table(
    "4. Writer scaling on 6 partitions (2 cores: this shows overhead, not speed-up); row-lock waits: mean backends waiting on another writer's row (transactionid/tuple locks)",
    runs.map((w) => ({
      ...writerRow(w),
      'vs 1 replica': ratio(w.eventsPerSecond, one),
      'row-lock waits': rowLockWaits(w.pgActivity),
    })),
  );
  table('CPU seconds during the scaling runs', runs.map(cpuRow));
  reportScalingActivity(runs);
}

export function reportGateway(g: GatewayResult): void {
  const limit = Math.max(...g.sendBatch.map((s) => s.eventsPerSecond));
  table(
    '2. Gateway throughput, 202 only after acks=all (autocannon)',
    g.rows.map((r) => ({
      batch: r.batch,
      'req/s': round(r.requestsPerSecond),
      'events/s': round(r.eventsPerSecond),
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      '80% req/s': round(r.at80.requestsPerSecond),
      '80% p50 ms': round(r.at80.p50Ms, 1),
      '80% p99 ms': round(r.at80.p99Ms, 1),
      'bursty 80% p99 ms': r.at80Bursty.p99Ms,
      'vs sendBatch': ratio(r.eventsPerSecond, limit),
      failures: r.failures,
    })),
  );
  const clientRows: Array<Record<string, string | number | undefined>> = g.sendBatch.map((s) => ({
    client: `kafkajs sendBatch, ${s.messagesPerCall} messages/call`,
    'events/s': round(s.eventsPerSecond),
    'ms/call': round(s.msPerCall, 1),
  }));
  if (g.broker) {
    clientRows.push({
      client: `Java ProducerPerformance, ${g.broker.records} × ${g.broker.recordBytes} B (broker reference)`,
      'events/s': round(g.broker.eventsPerSecond),
      'ms/call': `avg latency ${g.broker.avgLatencyMs} ms`,
    });
  }
  table(
    '2b. Kafka client limit: idempotent, acks=all, same events (kafkajs: 1 request in flight, as the gateway)',
    clientRows,
  );
  table('Gateway CPU seconds during the load steps', [g.cpuSeconds]);
  if (g.profile) {
    table(`Gateway CPU profile: self time by area (${g.profile.seconds} s profiled)`, g.profile.byArea);
    table('Gateway CPU profile: hottest functions (self time)', g.profile.topFunctions);
  }
}

export function reportEndToEnd(e: EndToEndResult): void {
  table('3. End to end: 202 → visible through the query API, fixed rate', [
    {
      'target ev/s': round(e.targetEventsPerSecond),
      'achieved ev/s': round(e.achievedEventsPerSecond),
      seconds: e.seconds,
      probes: e.probes,
      'skipped probes': e.skippedProbes,
      'p50 ms': round(e.visibleP50Ms),
      'p99 ms': round(e.visibleP99Ms),
      'max ms': round(e.visibleMaxMs),
      '202 p50 ms': round(e.ackP50Ms, 1),
      '202 p99 ms': round(e.ackP99Ms, 1),
      'failed posts': e.failedPosts,
      'late batches': e.skippedBatches,
      correct: e.check.ok ? 'yes' : `NO: ${e.check.problems.join('; ')}`,
    },
  ]);
  table('CPU seconds during the end-to-end run', [e.cpuSeconds]);
}

export function reportRss(rows: RssRecord[]): void {
  if (rows.length > 0)
    table(
      '5. Peak RSS per service process (VmHWM), and its V8 heap / external (Buffer) memory at the end',
      rows.map((r) => ({
        service: r.service,
        run: r.run,
        'peak RSS MB': r.mb,
        'heap MB': r.heapMb,
        'external MB': r.externalMb,
      })),
    );
}

export function reportTargets(
  rows: Array<{
    target: string;
    goal: string;
    measured: number | undefined;
    met: boolean | undefined;
    beside?: string;
  }>,
): void {
  table(
    'Targets (goals on this machine, not assertions)',
    rows.map((r) => ({
      target: r.target,
      goal: r.goal,
      measured: round(r.measured, 2),
      met: r.met === undefined ? 'not run' : r.met ? 'yes' : 'NO',
      'Kafka client alone, same run': r.beside ?? '',
    })),
  );
}

export function reportCollapse(rows: CollapseRow[]): void {
  if (rows.length === 0) return;
  table(
    'Aggregate rows per event by flush window (aggregateSpend on the same workload; fewer rows = less database work)',
    rows.map((r) => ({
      'window (events)': r.window,
      ...Object.fromEntries(Object.entries(r.rowsPerEvent).map(([k, v]) => [`${k} rows/event`, v])),
      ...Object.fromEntries(Object.entries(r.dailyByEntity).map(([k, v]) => [`daily ${k}`, v])),
      'aggregate µs/event': r.aggregateMicros,
    })),
  );
}

export function reportShardChoice(rows: ShardChoiceRow[]): void {
  if (rows.length === 0) return;
  table(
    'Aggregate rows per event (daily + roll-up + totals) by shard choice, 6 partitions: upserted (database work) and kept (table size)',
    rows.map((r) => ({
      'window (events)': r.window,
      writers: r.writers,
      shard: r.shard,
      'upserted/event': r.writtenPerEvent,
      'kept/event': r.storedPerEvent,
    })),
  );
}

function reportScalingActivity(runs: WriterRun[]): void {
  const states = [
    ...new Set(runs.flatMap((r) => r.pgActivity.filter((a) => a.backends >= 0.02).map((a) => a.state))),
  ];
  if (states.length === 0) return;
  table(
    'Postgres side during the scaling runs: writer connections by state (mean number, ≥ 0.02 in a run)',
    states.map((state) => ({
      state,
      ...Object.fromEntries(
        runs.map((r) => [
          `${r.replicas} replica(s)`,
          r.pgActivity.find((a) => a.state === state)?.backends ?? 0,
        ]),
      ),
    })),
  );
}

export function reportPerIndex(rows: CopyResult[] | undefined): void {
  const none = rows?.find((r) => r.target === '(none)');
  if (!rows || !none) return;
  const micros = (r: CopyResult) => (r.seconds / r.rows) * 1e6;
  table(
    'What each spend_logs index costs alone (COPY of a sample into a table with only that index)',
    rows.map((r) => ({
      index: r.target,
      rows: r.rows,
      'rows/s': round(r.rowsPerSecond),
      'µs/row': round(micros(r), 1),
      'index µs/row': r === none ? undefined : round(micros(r) - micros(none), 1),
    })),
  );
}
