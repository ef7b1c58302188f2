import { z } from '@hono/zod-openapi';
import { EARLIEST_DATE, instantInRange, isStorableText, LATEST_DATE } from '@spend-ledger/contract';

/**
 * Request parameters checked to what Postgres accepts, so no parameter can turn into a database
 * error (a 500): text without NUL or lone surrogates, dates and instants inside the ledger's window
 * (2000-01-01 to 2199-12-31; year 0000 passes a format check but not Postgres).
 */
export const textParam = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(isStorableText, { error: 'must not contain NUL characters or unpaired surrogates' });

export const dateParam = () =>
  z.iso.date({ error: 'must be a date YYYY-MM-DD' }).refine((d) => d >= EARLIEST_DATE && d <= LATEST_DATE, {
    error: `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`,
  });

export const instantParam = () =>
  z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' }).refine(
    // The window's end is a fine exclusive bound for end_time, so it is allowed too.
    (v) =>
      instantInRange(Date.parse(v)) || Date.parse(v) === Date.parse(`${LATEST_DATE}T00:00:00Z`) + 86_400_000,
    { error: `must be between ${EARLIEST_DATE}T00:00:00Z and ${LATEST_DATE}T23:59:59Z` },
  );
