import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseConfig } from '@spend-ledger/platform';
import { createLedgerDb, poolOptions } from './client.ts';
import { DatabaseEnvSchema } from './connection-settings.ts';
import { type ExpectedTotals, reconcileLedger } from './reconcile.ts';

const USAGE = `usage: ledger reconcile [--expected FILE] [--json]
  Checks that per-request rows, daily aggregates and entity totals agree for every entity type,
  and with --expected that the totals equal those in FILE:
    {"team": {"team-a": {"spend": "12.5", "api_requests": 3}}, "key": {...}}
  Prints each difference with its entity and day; exits 1 when there is one. Reads DATABASE_URL and the DB_* settings.`;

/** `ledger reconcile`: returns the process exit code. */
export async function reconcileCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { expected: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const expected = values.expected
    ? (JSON.parse(await readFile(values.expected, 'utf8')) as ExpectedTotals)
    : undefined;
  const connection = parseConfig(DatabaseEnvSchema, env);
  const handle = createLedgerDb(connection.url, {
    ...poolOptions(connection),
    applicationName: 'spend-ledger-reconcile',
  });
  try {
    const report = await reconcileLedger(handle.db, expected);
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      for (const [check, n] of Object.entries(report.compared)) console.log(`${check}: ${n} rows compared`);
      for (const d of report.differences.slice(0, 1_000)) {
        console.log(
          `DIFF ${d.check} ${d.entityType}/${d.entityId}${d.day ? ` ${d.day}` : ''} ${d.metric}: ${d.left} != ${d.right}`,
        );
      }
      if (report.requestIdConflicts > 0) {
        console.log(
          `NOTE ${report.requestIdConflicts} events reused a counted request_id with other content (not counted; see request_id_conflicts)`,
        );
      }
      console.log(
        report.differences.length === 0 ? 'OK: no difference' : `${report.differences.length} differences`,
      );
    }
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await handle.close();
  }
}
