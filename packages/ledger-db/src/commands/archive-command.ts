import { parseArgs } from 'node:util';
import { createLedgerDb, type LedgerDb } from '../client.ts';
import { readManifest } from '../storage/archive-format.ts';
import { type ArchiveStore, archiveSettingsFromEnv, createArchiveStore } from '../storage/archive-store.ts';
import { archiveDay, estimateRows } from '../storage/spend-log-archive.ts';
import { daysBetween, listSpendLogPartitions } from '../storage/spend-log-partitions.ts';
import { restoreDay } from '../storage/spend-log-restore.ts';
import { parseDayRange } from './day-range.ts';
import { Progress } from './progress.ts';

const USAGE = {
  archive: `usage: ledger archive --from DAY --to DAY
  Writes the per-request rows of each UTC day in the range that has a partition to the archive
  (ARCHIVE_DIR, or ARCHIVE_S3_BUCKET with ARCHIVE_S3_PREFIX, _ENDPOINT, _REGION): one Parquet file
  and a manifest (rows, sums, sha256) per day. Rows stay in the database; retention drops them.
  Progress on stderr, one line per day on stdout. Reads DATABASE_URL.`,
  restore: `usage: ledger restore --from DAY --to DAY
  Puts the per-request rows of each archived day in the range back into their partitions, exactly as
  archived (rows already present are kept). Aggregates and request_ids are not touched: they never
  stopped counting these events. Progress on stderr, one line per day on stdout. Reads DATABASE_URL.`,
};

/** `ledger archive` / `ledger restore`: returns the process exit code. */
export async function archiveCommand(
  name: 'archive' | 'restore',
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE[name]);
    return 0;
  }
  const { from, to } = parseDayRange(values.from, values.to);
  const store = createArchiveStore(archiveSettingsFromEnv(env));
  if (!store) throw new Error('no archive configured: set ARCHIVE_DIR or ARCHIVE_S3_BUCKET');
  const url = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/spend_ledger';
  const handle = createLedgerDb(url, { maxConnections: 2, applicationName: `spend-ledger-${name}` });
  try {
    const run = name === 'archive' ? archiveRange : restoreRange;
    await run(handle.db, store, from, to, (line) => console.log(line));
    return 0;
  } finally {
    await handle.close();
  }
}

/** Archives every day of [from, to] that has a partition. */
export async function archiveRange(
  db: LedgerDb,
  store: ArchiveStore,
  from: string,
  to: string,
  out: (line: string) => void,
): Promise<void> {
  const partitions = new Set(await listSpendLogPartitions(db));
  const days = daysBetween(from, to).filter((d) => partitions.has(d));
  const progress = new Progress('archive', days.length, await estimateRows(db, from, to));
  for (const day of days) {
    const manifest = await archiveDay(db, store, day, progress);
    progress.dayDone();
    if (manifest)
      out(`${day}: ${manifest.rows} rows, spend ${manifest.sums.spend}, sha256 ${manifest.sha256}`);
  }
  out(`archived ${days.length} days to ${store.location}`);
}

/** Restores every archived day of [from, to]. */
export async function restoreRange(
  db: LedgerDb,
  store: ArchiveStore,
  from: string,
  to: string,
  out: (line: string) => void,
): Promise<void> {
  const manifests = [];
  for (const day of daysBetween(from, to)) {
    const manifest = await readManifest(store, day);
    if (manifest) manifests.push(manifest);
  }
  const total = manifests.reduce((n, m) => n + m.rows, 0);
  const progress = new Progress('restore', manifests.length, total);
  for (const manifest of manifests) {
    const result = await restoreDay(db, store, manifest.day, progress);
    progress.dayDone();
    if (result) out(`${manifest.day}: ${result.inserted} rows restored, ${result.present} already present`);
  }
  out(`restored ${manifests.length} days from ${store.location}`);
}
