import { instantInRange, isStorableText } from '@spend-ledger/contract';
import type { SpendLogCursor } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';

/** Opaque to clients: base64url of the last row's exact timestamp (microseconds) and request_id. */
export const encodeCursor = (c: SpendLogCursor): string =>
  Buffer.from(JSON.stringify([c.timestamp, c.requestId])).toString('base64url');

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/**
 * A real instant inside the ledger's window: the format alone lets `0000-…` and `2026-99-99T99:…`
 * through to Postgres (a 500), and Date.parse rolls `2026-02-30` over to March, so the text must
 * survive a round trip through Date (to the millisecond; the last 3 digits are microseconds).
 */
function isCursorInstant(text: string): boolean {
  if (!TIMESTAMP.test(text)) return false;
  const ms = Date.parse(`${text.slice(0, 23)}Z`);
  return instantInRange(ms) && new Date(ms).toISOString().slice(0, 23) === text.slice(0, 23);
}

export function decodeCursor(text: string): SpendLogCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      isCursorInstant(value[0]) &&
      typeof value[1] === 'string' &&
      value[1].length > 0 &&
      value[1].length <= 128 &&
      isStorableText(value[1])
    ) {
      return { timestamp: value[0], requestId: value[1] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ApiError('VALIDATION_FAILED', 'invalid cursor', [
    { field: 'cursor', message: 'pass next_cursor of the previous page unchanged' },
  ]);
}
