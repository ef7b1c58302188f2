import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import { type RawFigures, type SpendFigures, sumFigures, toFigures } from './figures.ts';
import { type AggregateSelector, dailySpendWhere, isWholeEntity } from './selector.ts';

/**
 * Running totals of the selected rows; an entity the ledger has never seen has zero totals. A whole
 * entity reads entity_totals (one row); a narrowed one (a key inside a team) sums its hourly rows.
 */
export async function getEntityTotals(db: LedgerDb, selector: AggregateSelector): Promise<SpendFigures> {
  const rows = isWholeEntity(selector)
    ? await db.execute<RawFigures>(sql`
        select ${sumFigures()} from entity_totals
        where entity_type = ${selector.entityType} and entity_id = ${selector.entityId}`)
    : await db.execute<RawFigures>(
        sql`select ${sumFigures()} from daily_spend d where ${dailySpendWhere(selector)}`,
      );
  return toFigures(rows[0] as RawFigures);
}
