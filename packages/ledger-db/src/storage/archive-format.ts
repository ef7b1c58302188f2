import type parquetjs from '@dsnp/parquetjs';
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

/**
 * The Parquet library, imported on first use only: loading it costs about 17 MB of ArrayBuffers and
 * 5 MB of heap, which a writer that never archives (the default) should not carry
 * (docs/decisions.md, "The writer loads archive and IAM libraries only when it uses them").
 */
export const loadParquet = async (): Promise<typeof parquetjs> => (await import('@dsnp/parquetjs')).default;

const text = { type: 'UTF8', compression: 'GZIP' } as const;
const optionalText = { ...text, optional: true } as const;
const int = { type: 'INT32', compression: 'GZIP' } as const;
let schema: Promise<InstanceType<typeof parquetjs.ParquetSchema>> | undefined;

/** The archive's Parquet schema (built once, on first use). */
export const archiveSchema = () =>
  (schema ??= loadParquet().then((parquet) => new parquet.ParquetSchema(COLUMNS)));

const COLUMNS = {
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
} as const;

/** Rows read or written per round trip by archive and restore. */
export const ROWS_PER_FETCH = 2_000;

/** The manifest of an archived day, or null when the day is not archived. */
export async function readManifest(store: ArchiveStore, day: string): Promise<ArchiveManifest | null> {
  const text = await store.getText(archiveKeys(day).manifest);
  return text === null ? null : (JSON.parse(text) as ArchiveManifest);
}
