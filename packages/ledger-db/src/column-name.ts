import type { Table } from 'drizzle-orm';
import type { spendLogs } from './schema/spend-logs.ts';

/**
 * The names of a Drizzle table's columns, as a type. SQL written by hand names its columns through
 * these, so a column renamed or dropped in the schema fails `tsc` instead of a query at run time.
 */
export type ColumnName<T extends Table> = T['_']['columns'][keyof T['_']['columns']]['_']['name'];

/** A column of spend_logs (the per-request rows). */
export type SpendLogColumn = ColumnName<typeof spendLogs>;
