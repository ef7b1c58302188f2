import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseConfig } from '@spend-ledger/platform';
import { createLedgerDb, poolOptions } from '../client.ts';
import { DatabaseEnvSchema } from '../connection-settings.ts';
import {
  type ExpectedTotals,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileLedger,
} from '../reconcile.ts';
import { archiveSettingsFromEnv, createArchiveStore } from '../storage/archive-store.ts';
import { parseDayRange } from './day-range.ts';
import { Progress } from './progress.ts';

const USAGE = `usage: ledger reconcile [--from DAY --to DAY] [--expected FILE] [--json]
  Checks that per-request rows, daily aggregates and entity totals agree for every entity type,
  and with --expected that the totals equal those in FILE:
    {"team": {"team-a": {"spend": "12.5", "api_requests": 3}}, "key": {...}}
  It goes one UTC day at a time (that day's partition and aggregate rows, by index) and prints
  rows and days done, rate and time left on stderr. --from/--to (UTC days, inclusive) read only
  those days; the all-time totals check (daily_spend whole) is then skipped. Days whose partition was dropped are proved from their archive manifest
  (ARCHIVE_DIR or ARCHIVE_S3_*). DISABLE_SPEND_LOGS=true skips the per-request checks.
  Prints each difference with its entity and day; exits 1 when there is one. Reads DATABASE_URL and the DB_* settings.`;

/** `ledger reconcile`: returns the process exit code. */
export async function reconcileCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      expected: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const expected = values.expected
    ? (JSON.parse(await readFile(values.expected, 'utf8')) as ExpectedTotals)
    : undefined;
  const range = values.from || values.to ? parseDayRange(values.from, values.to) : {};
  const archive = createArchiveStore(archiveSettingsFromEnv(env));
  const spendLogs = !/^(true|1|yes)$/i.test(env.DISABLE_SPEND_LOGS ?? '');
  const connection = parseConfig(DatabaseEnvSchema, env);
  const handle = createLedgerDb(connection.url, {
    ...poolOptions(connection),
    applicationName: 'spend-ledger-reconcile',
  });
  try {
    // One line per UTC day on stderr: rows and days done, rate, time left (stdout keeps the report).
    let progress: Progress | undefined;
    const onDay: ReconcileOptions['onDay'] = ({ rows, daysDone, days, totalRows }) => {
      progress ??= new Progress('reconcile', days, totalRows);
      if (daysDone === 0) return;
      progress.addRows(rows);
      progress.dayDone();
    };
    const report = await reconcileLedger(handle.db, expected, { ...range, archive, spendLogs, onDay });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}

/** The report for a person: rows compared, the first 1,000 differences, notes, and the verdict. */
function printReport(report: ReconcileReport): void {
  for (const [check, n] of Object.entries(report.compared)) console.log(`${check}: ${n} rows compared`);
  for (const d of report.differences.slice(0, 1_000)) {
    console.log(
      `DIFF ${d.check} ${d.entityType}/${d.entityId}${d.day ? ` ${d.day}` : ''} ${d.metric}: ${d.left} != ${d.right}`,
    );
  }
  if (report.archivedDays.length > 0)
    console.log(`archived days proved from their manifests: ${report.archivedDays.join(', ')}`);
  if (report.daysWithoutRows.length > 0)
    console.log(`NOTE days with aggregates but no rows and no archive: ${report.daysWithoutRows.join(', ')}`);
  if (report.requestIdConflicts > 0) {
    console.log(
      `NOTE ${report.requestIdConflicts} events reused a counted request_id with other content (not counted; see request_id_conflicts)`,
    );
  }
  console.log(
    report.differences.length === 0 ? 'OK: no difference' : `${report.differences.length} differences`,
  );
}
