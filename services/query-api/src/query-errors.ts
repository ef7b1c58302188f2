import { ApiError } from '@spend-ledger/platform';

const DAY_MS = 86_400_000;

/** Calendar days from `from` to `to` (YYYY-MM-DD), both included. */
export const rangeDays = (from: string, to: string): number =>
  (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;

/** Checks an inclusive date range: `from` not after `to`, at most `maxDays` days. */
export function checkRange(from: string, to: string, maxDays: number): void {
  const days = rangeDays(from, to);
  if (days < 1) {
    throw new ApiError('VALIDATION_FAILED', '`from` must not be after `to`', [
      { field: 'from', message: `${from} is after ${to}` },
    ]);
  }
  if (days > maxDays) {
    throw new ApiError('VALIDATION_FAILED', `the range may span at most ${maxDays} days`, [
      { field: 'to', message: `${days} days requested` },
    ]);
  }
}

/** What a database error looks like once found: postgres.js's PostgresError or a connection error. */
interface DatabaseError {
  code: string;
  message: string;
}

/**
 * The driver's error inside whatever wraps it: Drizzle wraps the Postgres error in `cause`
 * (DrizzleQueryError), so testing `error.code` at the top saw nothing and the 400 became a 500.
 */
export function findDatabaseError(error: unknown): DatabaseError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') {
      return { code: e.code, message: e.message };
    }
    current = e.cause;
  }
  return undefined;
}

/** SQLSTATEs of a bad value the client sent (dates, times, text) that got past validation. */
const CLIENT_DATA_ERRORS = new Set(['22007', '22008', '22009', '22021', '22P02', '22P05']);
/** Connection failures and server shutdown: the database, not the request, is the problem. */
const UNAVAILABLE =
  /^(?:08\w{3}|53300|57P01|57P02|57P03|CONNECTION_\w+|CONNECT_TIMEOUT|ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/;

/**
 * A database failure as the ApiError the client should see, or undefined when it is a bug (500):
 * - a time zone Postgres does not know (ICU and the server's tzdata differ: US/Pacific-New) → 400;
 * - a date, time or text value Postgres refuses → 400;
 * - the statement timeout (QUERY_STATEMENT_TIMEOUT_MS, SQLSTATE 57014) → 503, the request asked
 *   for more work than one request may do;
 * - no connection, or the server shutting down → 503 with Retry-After.
 */
export function databaseApiError(error: unknown, retryAfterSeconds = 2): ApiError | undefined {
  if (error instanceof ApiError) return undefined;
  const db = findDatabaseError(error);
  if (!db) return undefined;
  if (db.code === '22023' && /time zone/i.test(db.message)) {
    return new ApiError('VALIDATION_FAILED', 'unknown time zone', [
      { field: 'timezone', message: 'not known to the database' },
    ]);
  }
  if (CLIENT_DATA_ERRORS.has(db.code)) {
    return new ApiError('VALIDATION_FAILED', 'a parameter is out of the range the ledger accepts', [
      { field: '(query)', message: 'a date, time or text the database refuses' },
    ]);
  }
  if (db.code === '57014') {
    return new ApiError(
      'UNAVAILABLE',
      'the query took longer than the statement timeout; ask for a shorter range or fewer rows',
      [{ field: '(query)', message: 'statement timeout' }],
    );
  }
  if (UNAVAILABLE.test(db.code)) {
    return new ApiError(
      'UNAVAILABLE',
      'the ledger database is unavailable; retry later',
      undefined,
      retryAfterSeconds,
    );
  }
  return undefined;
}

/** A zone ICU knows but this Postgres does not (older tzdata) is the caller's 400, not our 500. */
export async function withTimeZoneCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = databaseApiError(error);
    throw mapped?.details?.[0]?.field === 'timezone' ? mapped : error;
  }
}
