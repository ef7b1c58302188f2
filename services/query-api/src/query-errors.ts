import { ApiError } from '@spend-ledger/platform';

const DAY_MS = 86_400_000;

/** Checks an inclusive date range: `from` not after `to`, at most `maxDays` days. */
export function checkRange(from: string, to: string, maxDays: number): void {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
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

/** A zone ICU knows but this Postgres does not (older tzdata) is the caller's 400, not our 500. */
export async function withTimeZoneCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '22023' && /time zone/i.test(e.message ?? '')) {
      throw new ApiError('VALIDATION_FAILED', 'unknown time zone', [
        { field: 'timezone', message: 'not known to the database' },
      ]);
    }
    throw error;
  }
}
