import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSpend, spendToUnits } from '@spend-ledger/contract';
import { sql } from 'drizzle-orm';
import type { LedgerDb } from '../client.ts';
import type { Progress } from '../commands/progress.ts';
import type { RawFigures } from '../queries/figures.ts';
import {
  type ArchivedRow,
  type ArchiveManifest,
  archiveSchema,
  loadParquet,
  ROWS_PER_FETCH,
} from './archive-format.ts';
import { type ArchiveStore, archiveKeys, sha256File } from './archive-store.ts';
import { listSpendLogPartitions } from './spend-log-partitions.ts';

const micros = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const SELECT_ROWS = `select request_id, ${micros('"timestamp"')} as "timestamp", day::text as day,
  ${micros('end_time')} as end_time, api_key, user_id, team_id, org_id, end_user_id, array_to_json(tags)::text as tags,
  model, model_group, provider, prompt_tokens, completion_tokens, cache_read_input_tokens,
  cache_creation_input_tokens, spend::text as spend, status, spend_source, metadata::text as metadata,
  ${micros('ingested_at')} as ingested_at
  from spend_logs where "timestamp" >= $1::date::timestamp at time zone 'UTC'
    and "timestamp" < ($1::date + 1)::timestamp at time zone 'UTC'
  order by "timestamp", request_id`;

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
    const parquet = await loadParquet();
    const writer = await parquet.ParquetWriter.openFile(await archiveSchema(), file);
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

/** Estimated rows of the partitions of [from, to] from planner statistics: for progress only. */
export async function estimateRows(db: LedgerDb, from: string, to: string): Promise<number> {
  const rows = await db.execute<{ n: string | null }>(sql`
    select sum(greatest(c.reltuples, 0))::bigint::text as n from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'spend_logs'::regclass
      and c.relname between ${`spend_logs_${from.replaceAll('-', '')}`} and ${`spend_logs_${to.replaceAll('-', '')}`}`);
  return Number(rows[0]?.n ?? 0);
}
