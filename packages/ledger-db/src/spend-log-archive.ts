import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parquet from '@dsnp/parquetjs';
import { formatSpend, spendToUnits } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import { type ArchiveStore, archiveKeys, sha256File } from './archive-store.ts';
import type { LedgerDb } from './client.ts';
import type { Progress } from './progress.ts';
import type { RawFigures } from './queries/figures.ts';
import { ensurePartitionsForDays, listSpendLogPartitions } from './spend-log-partitions.ts';

/**
 * What an archived day holds, written after its data file (so a manifest means a whole file):
 * the rows and their sums (the figures of the day's `proxy` aggregate, which counts every event,
 * so reconcile can prove an archived day against the aggregates without its rows), and the
 * file's SHA-256, checked before a restore reads it.
 */
export interface ArchiveManifest {
  version: 1;
  day: string;
  file: string;
  format: 'parquet';
  rows: number;
  bytes: number;
  sha256: string;
  sums: RawFigures;
  archivedAt: string;
}

/**
 * One per-request row as archived: every column, values as exact text where a Parquet type could
 * round or shift them (numeric spend, microsecond timestamps, jsonb), so a restore puts back the
 * very same row.
 */
interface ArchivedRow {
  request_id: string;
  timestamp: string;
  day: string;
  end_time: string | null;
  api_key: string;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user_id: string | null;
  tags: string[];
  model: string;
  model_group: string | null;
  provider: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  spend: string;
  status: string;
  spend_source: string;
  metadata: string | null;
  ingested_at: string;
}

const text = { type: 'UTF8', compression: 'GZIP' } as const;
const optionalText = { ...text, optional: true } as const;
const int = { type: 'INT32', compression: 'GZIP' } as const;
const SCHEMA = new parquet.ParquetSchema({
  request_id: text,
  timestamp: text,
  day: text,
  end_time: optionalText,
  api_key: text,
  user_id: optionalText,
  team_id: optionalText,
  org_id: optionalText,
  end_user_id: optionalText,
  tags: { ...text, repeated: true },
  model: text,
  model_group: optionalText,
  provider: optionalText,
  prompt_tokens: int,
  completion_tokens: int,
  cache_read_input_tokens: int,
  cache_creation_input_tokens: int,
  spend: text,
  status: text,
  spend_source: text,
  metadata: optionalText,
  ingested_at: text,
});

const micros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const SELECT_ROWS = `select request_id, ${micros('"timestamp"')} as "timestamp", day::text as day,
  ${micros('end_time')} as end_time, api_key, user_id, team_id, org_id, end_user_id, array_to_json(tags)::text as tags,
  model, model_group, provider, prompt_tokens, completion_tokens, cache_read_input_tokens,
  cache_creation_input_tokens, spend::text as spend, status, spend_source, metadata::text as metadata,
  ${micros('ingested_at')} as ingested_at
  from spend_logs where "timestamp" >= $1::date::timestamp at time zone 'UTC'
    and "timestamp" < ($1::date + 1)::timestamp at time zone 'UTC'
  order by "timestamp", request_id`;

const ROWS_PER_FETCH = 2_000;

/** The manifest of an archived day, or null when the day is not archived. */
export async function readManifest(store: ArchiveStore, day: string): Promise<ArchiveManifest | null> {
  const text = await store.getText(archiveKeys(day).manifest);
  return text === null ? null : (JSON.parse(text) as ArchiveManifest);
}

class Sums {
  private spend = 0n;
  private readonly n = { prompt: 0, completion: 0, cacheRead: 0, cacheCreation: 0, ok: 0, rows: 0 };

  add(r: ArchivedRow): void {
    this.spend += spendToUnits(r.spend);
    this.n.prompt += r.prompt_tokens;
    this.n.completion += r.completion_tokens;
    this.n.cacheRead += r.cache_read_input_tokens;
    this.n.cacheCreation += r.cache_creation_input_tokens;
    if (r.status === 'success') this.n.ok += 1;
    this.n.rows += 1;
  }

  get rows(): number {
    return this.n.rows;
  }

  figures(): RawFigures {
    return {
      spend: formatSpend(this.spend),
      prompt_tokens: String(this.n.prompt),
      completion_tokens: String(this.n.completion),
      cache_read_input_tokens: String(this.n.cacheRead),
      cache_creation_input_tokens: String(this.n.cacheCreation),
      api_requests: String(this.n.rows),
      successful_requests: String(this.n.ok),
      failed_requests: String(this.n.rows - this.n.ok),
    };
  }
}

/**
 * Writes one day's per-request rows to `store` as a Parquet file plus its manifest. Streams the
 * rows with a cursor (memory stays at one fetch), in ("timestamp", request_id) order. Returns null
 * when the day has no partition. Re-archiving a day replaces its file and manifest.
 */
export async function archiveDay(
  db: LedgerDb,
  store: ArchiveStore,
  day: string,
  progress?: Progress,
): Promise<ArchiveManifest | null> {
  if (!(await listSpendLogPartitions(db)).includes(day)) return null;
  const keys = archiveKeys(day);
  const dir = await mkdtemp(join(tmpdir(), 'ledger-archive-'));
  try {
    const file = join(dir, keys.file);
    const writer = await parquet.ParquetWriter.openFile(SCHEMA, file);
    const sums = new Sums();
    // One snapshot for the whole day: the file and its sums agree even if rows arrive meanwhile.
    await db.$client.begin('isolation level repeatable read read only', async (tx) => {
      const cursor = tx.unsafe<Array<Omit<ArchivedRow, 'tags'> & { tags: string }>>(SELECT_ROWS, [day]);
      for await (const rows of cursor.cursor(ROWS_PER_FETCH)) {
        for (const raw of rows) {
          const row: ArchivedRow = { ...raw, tags: JSON.parse(raw.tags) as string[] };
          sums.add(row);
          await writer.appendRow(row as unknown as Record<string, unknown>);
        }
        progress?.addRows(rows.length);
      }
    });
    await writer.close();
    const manifest: ArchiveManifest = {
      version: 1,
      day,
      file: keys.file,
      format: 'parquet',
      rows: sums.rows,
      bytes: (await stat(file)).size,
      sha256: await sha256File(file),
      sums: sums.figures(),
      archivedAt: new Date().toISOString(),
    };
    await store.putFile(keys.data, file);
    await store.putText(keys.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

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
    const reader = await parquet.ParquetReader.openFile(file);
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

/** Estimated rows of the partitions of [from, to] from planner statistics: for progress only. */
export async function estimateRows(db: LedgerDb, from: string, to: string): Promise<number> {
  const rows = await db.execute<{ n: string | null }>(sql`
    select sum(greatest(c.reltuples, 0))::bigint::text as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'spend_logs'::regclass
      and c.relname between ${`spend_logs_${from.replaceAll('-', '')}`} and ${`spend_logs_${to.replaceAll('-', '')}`}`);
  return Number(rows[0]?.n ?? 0);
}
