import type { Logger, RequestIdEnv } from '@spend-ledger/platform';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';

/**
 * Text a spreadsheet may run as a formula: = + - @ (or their full-width forms) first, also after
 * leading blanks, tabs and line breaks, which spreadsheets skip (OWASP CSV injection); or a tab or
 * line break first.
 */
const FORMULA = /^(?:[\s\p{Cc}]*[=+\-@＝＋－＠]|[\t\r\n])/u;

/**
 * One RFC 4180 cell. Text that a spreadsheet would run as a formula gets a leading apostrophe: ids
 * come from clients and must not become formulas.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Streams rows as CSV, one write per batch: memory holds one batch whatever the export's size. The
 * first batch is fetched before anything is sent, so a query that fails (a time zone the database
 * does not know, the statement timeout) is still a JSON error with its status, not a 200 with a
 * header row and nothing else.
 */
export async function streamCsv<E extends RequestIdEnv>(
  c: Context<E>,
  params: {
    filename: string;
    columns: readonly string[];
    batches: AsyncGenerator<Record<string, unknown>[]>;
    log: Logger;
  },
): Promise<Response> {
  const first = await params.batches.next();
  const toCsv = (rows: Record<string, unknown>[]) =>
    rows.map((row) => `${params.columns.map((col) => csvCell(row[col])).join(',')}\r\n`).join('');
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${params.filename}"`);
  c.header('cache-control', 'no-store');
  return stream(
    c,
    async (out) => {
      await out.write(`${params.columns.join(',')}\r\n${first.done ? '' : toCsv(first.value)}`);
      if (!first.done) {
        for await (const rows of params.batches) {
          if (out.aborted) break;
          await out.write(toCsv(rows));
        }
      }
      // Breaking out of the loop above returns the generator, which closes the database cursor.
      if (out.aborted) await params.batches.return(undefined);
    },
    async (error) => {
      // Headers are sent: the client sees a truncated body, the log says why.
      params.log.error({ err: error, requestId: c.get('requestId') }, 'csv export failed');
    },
  );
}
