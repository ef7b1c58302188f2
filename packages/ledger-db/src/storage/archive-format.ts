import parquet from '@dsnp/parquetjs';
import type { RawFigures } from '../queries/figures.ts';
import { type ArchiveStore, archiveKeys } from './archive-store.ts';

/** The archive's format: one Parquet file per UTC day of per-request rows, and its manifest. */

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
export interface ArchivedRow {
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
export const SCHEMA = new parquet.ParquetSchema({
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

/** Rows read or written per round trip by archive and restore. */
export const ROWS_PER_FETCH = 2_000;

/** The manifest of an archived day, or null when the day is not archived. */
export async function readManifest(store: ArchiveStore, day: string): Promise<ArchiveManifest | null> {
  const text = await store.getText(archiveKeys(day).manifest);
  return text === null ? null : (JSON.parse(text) as ArchiveManifest);
}
