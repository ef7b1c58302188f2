import type { LedgerDb } from '@spend-ledger/ledger-db';

/** Milliseconds spent per statement label (the table an insert targets), summed over calls. */
export type StatementTimes = Map<string, number>;

/** The text of a drizzle `sql` object, nested fragments (sql.raw, sql.join) included; params skipped. */
function textOf(query: unknown): string {
  const chunks = (query as { queryChunks?: unknown[] }).queryChunks;
  if (!chunks) {
    const value = (query as { value?: unknown }).value;
    return Array.isArray(value) ? value.join('') : '';
  }
  return chunks.map(textOf).join('');
}

/** The table an `insert into <table>` targets, else the statement's first word. */
function labelOf(query: unknown): string {
  const text = textOf(query);
  return /insert\s+into\s+"?(\w+)/i.exec(text)?.[1] ?? /^\s*(\w+)/.exec(text)?.[1] ?? 'other';
}

function timeExecute<T extends object>(target: T, times: StatementTimes): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (prop !== 'execute' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(t) : value;
      return (query: unknown) => {
        const started = performance.now();
        return Promise.resolve(value.call(t, query)).then((rows: unknown) => {
          const label = labelOf(query);
          times.set(label, (times.get(label) ?? 0) + performance.now() - started);
          return rows;
        });
      };
    },
  });
}

/**
 * Wraps a LedgerDb so every `execute` inside `transaction` is timed by the table it writes. Uses
 * only the public surface (transaction, execute), so the real write path runs unchanged.
 */
export function timedLedgerDb(db: LedgerDb, times: StatementTimes): LedgerDb {
  return new Proxy(db, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (prop === 'transaction' && typeof value === 'function') {
        return (fn: (tx: unknown) => Promise<unknown>, ...rest: unknown[]) =>
          value.call(t, (tx: object) => fn(timeExecute(tx, times)), ...rest);
      }
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
