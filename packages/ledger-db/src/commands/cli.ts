import { archiveCommand } from './archive-command.ts';
import { reconcileCommand } from './reconcile-command.ts';
import { tokenCommand } from './token-command.ts';

/**
 * Operator commands: `npm run ledger -- <command> [options]`. Each command is a module exporting
 * `(argv, env) => Promise<exitCode>`; add new ones to this table.
 */
const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  archive: {
    summary: 'write the per-request rows of --from..--to days to the archive (Parquet + manifest)',
    run: (argv) => archiveCommand('archive', argv),
  },
  restore: {
    summary: 'put archived per-request rows of --from..--to days back (aggregates untouched)',
    run: (argv) => archiveCommand('restore', argv),
  },
  reconcile: {
    summary: 'check that per-request rows, daily aggregates and totals agree (and match --expected)',
    run: (argv) => reconcileCommand(argv),
  },
  token: {
    summary: 'issue, list and revoke query API tokens (stored hashed)',
    run: (argv) => tokenCommand(argv),
  },
};

const [name, ...argv] = process.argv.slice(2);
const command = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (!command) {
  console.log('usage: npm run ledger -- <command> [--help]\n');
  for (const [n, c] of Object.entries(COMMANDS)) console.log(`  ${n.padEnd(12)} ${c.summary}`);
  process.exit(name ? 2 : 0);
}
try {
  process.exitCode = await command.run(argv);
} catch (error) {
  console.error(`ledger ${name}: ${(error as Error).message}`);
  process.exitCode = 2;
}
