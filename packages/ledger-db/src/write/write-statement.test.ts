import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpendEventSchema } from '@spend-ledger/contract';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import * as schema from '../schema/index.ts';
import { prepareSpendBatch, writeStatement } from './write-spend-batch.ts';

const TABLES = new Map<string, Set<string>>(
  Object.values(schema).map((t: Table) => [
    getTableName(t),
    new Set(Object.values(getTableColumns(t)).map((c) => c.name)),
  ]),
);

const event = (request_id: string, model = 'm') =>
  SpendEventSchema.parse({
    request_id,
    timestamp: '2026-11-28T10:00:00Z',
    api_key: 'k',
    user_id: 'u',
    team_id: 't',
    tags: ['a'],
    model,
    spend: '0.1',
  });

const conflict = {
  requestId: 'a',
  digest: 'aa',
  keptDigest: null,
  apiKey: 'k',
  timestamp: '2026-11-28T10:00:00Z',
};

/** Every table the statement writes, with the columns it names (insert lists and conflict keys). */
function namedColumns(text: string): Array<{ table: string; columns: string[] }> {
  const out: Array<{ table: string; columns: string[] }> = [];
  const list = (s: string) => s.split(',').map((c) => c.trim().replaceAll('"', ''));
  // Each insert runs up to the next one (or the end): its column list, conflict key and additions.
  for (const chunk of text.split('insert into ').slice(1)) {
    const m = /^(\w+)(?: as cur)? \(([^)]*)\)/.exec(chunk);
    assert.ok(m, `unparsed insert: ${chunk.slice(0, 80)}`);
    const [, table = '', columns = ''] = m;
    out.push({ table, columns: list(columns) });
    const key = /on conflict \(([^)]*)\)/.exec(chunk);
    if (key?.[1]) out.push({ table, columns: list(key[1]) });
    for (const set of chunk.matchAll(/(\w+) = cur\.(\w+) \+ excluded\.(\w+)/g))
      out.push({ table, columns: [set[1] ?? '', set[2] ?? '', set[3] ?? ''] });
  }
  return out;
}

describe('writeStatement', () => {
  for (const spendLogs of [true, false]) {
    it(`names only columns the Drizzle tables have (spendLogs ${spendLogs})`, () => {
      const batch = prepareSpendBatch([event('a'), event('b', 'x')], [], { spendLogs });
      const text = new PgDialect().sqlToQuery(writeStatement(batch, [conflict])).sql;
      const named = namedColumns(text);
      const tables = new Set(named.map((n) => n.table));
      const expected = [
        'request_ids',
        'daily_spend_facts',
        'daily_spend_by_entity',
        'daily_rollup',
        'entity_totals',
        'request_id_conflicts',
      ];
      assert.deepEqual([...tables].sort(), [...expected, ...(spendLogs ? ['spend_logs'] : [])].sort());
      for (const { table, columns } of named) {
        const known = TABLES.get(table);
        assert.ok(known, `table ${table} is not in the schema`);
        for (const column of columns) assert.ok(known.has(column), `${table}.${column} is not in the schema`);
      }
    });
  }
});
