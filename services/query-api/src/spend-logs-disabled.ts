import { ApiError } from '@spend-ledger/platform';
import type { MiddlewareHandler } from 'hono';
import { queryTimeZone } from './time-zone.ts';

/**
 * DISABLE_SPEND_LOGS: the ledger keeps aggregates only. What can be answered exactly from them is
 * answered; what needs the per-request rows is refused with a clear error rather than answered
 * wrong (docs/decisions.md "DISABLE_SPEND_LOGS"):
 * - /v1/logs and /v1/logs/{id}: 409 SPEND_LOGS_DISABLED;
 * - daily and activity in a zone whose offset is not a whole number of hours somewhere in the
 *   range (India, Nepal, Newfoundland, ...): local midnight cuts a UTC hour, whose events only the
 *   per-request rows can split: 400 VALIDATION_FAILED on `timezone`;
 * - reports in another zone than UTC: their ends are read from per-request rows: 400 likewise.
 * UTC and whole-hour zones (most of the world, DST included) are exact sums of hourly aggregates.
 */
export function refuseWhatNeedsSpendLogs(): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (path === '/v1/logs' || path.startsWith('/v1/logs/')) {
      throw new ApiError(
        'SPEND_LOGS_DISABLED',
        'per-request rows are switched off on this ledger (DISABLE_SPEND_LOGS=true): only aggregates are kept',
      );
    }
    const isReport = path === '/v1/report';
    const isDays = /^\/v1\/spend\/[^/]+\/[^/]+\/(daily|activity)$/.test(path);
    if (!isReport && !isDays) return next();
    const zone = queryTimeZone(c.req.query('timezone') ?? 'UTC');
    // An unknown zone or bad dates: left to the route's own validation.
    if (zone === undefined || zone === 'UTC') return next();
    if (isReport) throw refusal(`a report in ${zone} reads per-request rows at the ends of the range`);
    const from = c.req.query('from');
    const to = c.req.query('to');
    if (from && to && cutsUtcHours(zone, from, to))
      throw refusal(`${zone} is not a whole number of hours from UTC within the range`);
    return next();
  };
}

const refusal = (why: string) =>
  new ApiError(
    'VALIDATION_FAILED',
    `${why}, and this ledger keeps no per-request rows (DISABLE_SPEND_LOGS=true); ask in UTC or a zone whole hours from UTC`,
    [{ field: 'timezone', message: 'needs per-request rows, which are switched off' }],
  );

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_MS = 3_600_000;

/**
 * Whether the zone's offset from UTC is other than a whole number of hours at any hour of the UTC
 * days around [from, to] (the days the aggregates are read from). Exact for DST and for odd
 * historical offsets alike, since every hour is looked at.
 */
export function cutsUtcHours(timeZone: string, from: string, to: string): boolean {
  if (!DAY.test(from) || !DAY.test(to)) return false;
  const start = Date.parse(`${from}T00:00:00Z`) - 24 * HOUR_MS;
  const end = Date.parse(`${to}T00:00:00Z`) + 48 * HOUR_MS;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return false;
  // Far wider than any MAX_RANGE_DAYS: refuse rather than look at every hour of it.
  if (end - start > 3_700 * 24 * HOUR_MS) return true;
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  for (let t = start; t < end; t += HOUR_MS) {
    const name = format.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const minutes = /:(\d{2})$/.exec(name)?.[1];
    if (minutes !== undefined && minutes !== '00') return true;
  }
  return false;
}
