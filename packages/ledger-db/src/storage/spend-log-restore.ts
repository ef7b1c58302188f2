import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import type { Progress } from '../commands/progress.ts';
import { type ArchivedRow, loadParquet, ROWS_PER_FETCH, readManifest } from './archive-format.ts';
import { type ArchiveStore, archiveKeys, sha256File } from './archive-store.ts';
import { ensurePartitionsForDays } from './spend-log-partitions.ts';

/** Postgres column types of an ArchivedRow, in the order of the insert below. */
const RESTORE_COLUMNS = `request_id text, "timestamp" timestamptz, day date, end_time timestamptz, api_key text,
  user_id text, team_id text, org_id text, end_user_id text, tags text[], model text, model_group text,
  provider text, prompt_tokens integer, completion_tokens integer, cache_read_input_tokens integer,
  cache_creation_input_tokens integer, spend numeric, status text, spend_source text, metadata text,
  ingested_at timestamptz`;
const COLUMN_NAMES = RESTORE_COLUMNS.split(',').map((c) => c.trim().split(' ')[0] as string);
// metadata is archived as its jsonb text: read as text and parsed back, not taken as a JSON string.
const SELECT_COLUMNS = COLUMN_NAMES.map((c) => (c === 'metadata' ? 'metadata::jsonb' : c)).join(', ');

/**
 * Puts one archived day's per-request rows back into its partition (made if missing), exactly as
 * archived; rows already there are left alone, so a restore can be repeated. Touches neither the
 * aggregates nor request_ids: they never stopped counting these events. Checks the file's SHA-256
 * against the manifest before reading it. Returns rows inserted and rows already present.
 */
export async function restoreDay(
  db: LedgerDb,
  store: ArchiveStore,
  day: string,
  progress?: Progress,
): Promise<{ inserted: number; present: number } | null> {
  const manifest = await readManifest(store, day);
  if (!manifest) return null;
  const keys = archiveKeys(day);
  const dir = await mkdtemp(join(tmpdir(), 'ledger-restore-'));
  try {
    const file = join(dir, keys.file);
    await store.getFile(keys.data, file);
    const checksum = await sha256File(file);
    if (checksum !== manifest.sha256)
      throw new Error(`archive of ${day} is damaged: sha256 ${checksum}, manifest says ${manifest.sha256}`);
    await ensurePartitionsForDays(db, [day]);
    const reader = await (await loadParquet()).ParquetReader.openFile(file);
    let inserted = 0;
    let seen = 0;
    try {
      const cursor = reader.getCursor();
      let batch: ArchivedRow[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        inserted += await insertArchivedRows(db, batch);
        progress?.addRows(batch.length);
        batch = [];
      };
      for (let row = await cursor.next(); row; row = await cursor.next()) {
        const r = row as unknown as ArchivedRow;
        batch.push({ ...r, tags: r.tags ?? [] });
        seen += 1;
        if (batch.length >= ROWS_PER_FETCH) await flush();
      }
      await flush();
    } finally {
      await reader.close();
    }
    if (seen !== manifest.rows)
      throw new Error(`archive of ${day} holds ${seen} rows, manifest says ${manifest.rows}`);
    return { inserted, present: seen - inserted };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function insertArchivedRows(db: LedgerDb, rows: readonly ArchivedRow[]): Promise<number> {
  const json = JSON.stringify(rows);
  const columns = COLUMN_NAMES.join(', ');
  const inserted = await db.execute<{ n: string }>(sql`
    with ins as (
      insert into spend_logs (${sql.raw(columns)})
      select ${sql.raw(SELECT_COLUMNS)} from json_to_recordset(${json}::json) as x(${sql.raw(RESTORE_COLUMNS)})
      where not exists (
        select 1 from spend_logs l where l."timestamp" = x."timestamp" and l.request_id = x.request_id)
      returning 1)
    select count(*)::text as n from ins`);
  return Number(inserted[0]?.n ?? 0);
}
