import type { SpendEvent } from '@spend-ledger/contract';

/** Columns of a per-request row in the order of `copyLine`; the same row the writer inserts. */
export const COPY_COLUMNS = [
  'request_id',
  'timestamp',
  'day',
  'end_time',
  'api_key',
  'user_id',
  'team_id',
  'org_id',
  'end_user_id',
  'tags',
  'model',
  'model_group',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'spend',
  'status',
  'metadata',
] as const;

// COPY text format: backslash escapes for the separator, line breaks and the backslash itself.
const esc = (v: string) =>
  v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
const text = (v: string | null) => (v === null ? '\\N' : esc(v));
const array = (items: readonly string[]) =>
  esc(`{${items.map((i) => `"${i.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);

/** One event as a line of COPY text input for the per-request log table. */
export function copyLine(e: SpendEvent): string {
  return [
    text(e.request_id),
    e.timestamp,
    e.timestamp.slice(0, 10),
    text(e.end_time),
    text(e.api_key),
    text(e.user_id),
    text(e.team_id),
    text(e.org_id),
    text(e.end_user_id),
    array(e.tags),
    text(e.model),
    text(e.model_group),
    text(e.provider),
    String(e.prompt_tokens),
    String(e.completion_tokens),
    e.spend,
    e.status,
    e.metadata === null ? '\\N' : esc(JSON.stringify(e.metadata)),
  ].join('\t');
}
