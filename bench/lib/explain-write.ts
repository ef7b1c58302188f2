import { type LedgerDb, type PreparedSpendBatch, writeStatement } from '@spend-ledger/ledger-db';
import { sql } from 'drizzle-orm';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Subplan Name'?: string;
  'Actual Total Time'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/**
 * Runs the ledger write of one prepared batch under EXPLAIN ANALYZE (it is written, once) and
 * returns milliseconds per table: the time of each ModifyTable node, its input included (JSON
 * unpacking, sorting, index maintenance, conflict checks), plus the statement's total.
 */
export async function explainWrite(db: LedgerDb, batch: PreparedSpendBatch): Promise<Record<string, number>> {
  // spend_logs is partitioned by UTC day: the write path makes a missing day's partition when its
  // statement fails for it, but an EXPLAIN of the bare statement would just fail.
  for (const day of new Set(batch.events.map((e) => e.timestamp.slice(0, 10)))) {
    await db.execute(sql`select spend_ledger_ensure_spend_logs_partition(${day}::date)`);
  }
  const rows = await db.execute<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>(
    sql`explain (analyze, format json) ${writeStatement(batch)}`,
  );
  const plan = rows[0]?.['QUERY PLAN'][0];
  if (!plan) throw new Error('EXPLAIN returned no plan');
  const times: Record<string, number> = {};
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'ModifyTable' && node['Relation Name'])
      times[node['Relation Name']] = (node['Actual Total Time'] ?? 0) * (node['Actual Loops'] ?? 1);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan.Plan);
  times['statement total'] = plan['Execution Time'];
  return times;
}
