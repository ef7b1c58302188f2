import { addDays, daysWithoutRows, type LedgerDb } from '@spend-ledger/ledger-db';
import { ApiError } from '@spend-ledger/platform';
import type { MiddlewareHandler } from 'hono';
import { queryTimeZone } from './time-zone.ts';

/**
 * Figures that need per-request rows are refused with a clear error rather than answered wrong
 * (docs/decisions.md "DISABLE_SPEND_LOGS"):
 * - daily and activity in a zone whose offset is not a whole number of hours somewhere in the
 *   range (India, Nepal, Newfoundland, ...): local midnight cuts a UTC hour, whose events only the
 *   per-request rows can split;
 * - reports in another zone than UTC: their ends are read from per-request rows.
 * Under DISABLE_SPEND_LOGS those are refused always, and /v1/logs answers 409 SPEND_LOGS_DISABLED;
 * otherwise only when the range reaches days whose rows were archived and dropped (retention).
 * UTC and whole-hour zones (most of the world, DST included) are exact sums of hourly aggregates.
 */
export function guardPerRequestRows(deps: { db: LedgerDb; spendLogs: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (!deps.spendLogs && (path === '/v1/logs' || path.startsWith('/v1/logs/'))) {
      throw new ApiError(
        'SPEND_LOGS_DISABLED',
        'per-request rows are switched off on this ledger (DISABLE_SPEND_LOGS=true): only aggregates are kept',
      );
    }
    const isReport = path === '/v1/report';
    const isDays = /^\/v1\/spend\/[^/]+\/[^/]+\/(daily|activity)$/.test(path);
    if (!isReport && !isDays) return next();
    const zone = queryTimeZone(c.req.query('timezone') ?? 'UTC');
    const from = c.req.query('from') ?? '';
    const to = c.req.query('to') ?? '';
    // An unknown zone or bad dates: left to the route's own validation.
    if (zone === undefined || zone === 'UTC' || !isDay(from) || !isDay(to) || from > to) return next();
    const why = isReport
      ? `a report in ${zone} reads per-request rows at the ends of the range`
      : cutsUtcHours(zone, from, to)
        ? `${zone} is not a whole number of hours from UTC within the range, so per-request rows are read`
        : undefined;
    if (why === undefined) return next();
    if (!deps.spendLogs)
      throw refusal(`${why}, and this ledger keeps none (DISABLE_SPEND_LOGS=true)`, 'switched off');
    const dropped = await daysWithoutRows(deps.db, addDays(from, -1), addDays(to, 1));
    if (dropped.length > 0) {
      const days = dropped.length > 3 ? `${dropped.slice(0, 3).join(', ')}, ...` : dropped.join(', ');
      throw refusal(`${why}, and those of ${days} were archived (ledger restore puts them back)`, 'archived');
    }
    return next();
  };
}

const refusal = (why: string, state: string) =>
  new ApiError('VALIDATION_FAILED', `${why}; ask in UTC or a zone whole hours from UTC`, [
    { field: 'timezone', message: `needs per-request rows, which are ${state}` },
  ]);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const HOUR_MS = 3_600_000;

/**
 * Whether the zone's offset from UTC is other than a whole number of hours at any hour of the UTC
 * days around [from, to] (the days the aggregates are read from). Exact for DST and for odd
 * historical offsets alike, since every hour is looked at.
 */
export function cutsUtcHours(timeZone: string, from: string, to: string): boolean {
  if (!isDay(from) || !isDay(to)) return false;
  const start = Date.parse(`${from}T00:00:00Z`) - 24 * HOUR_MS;
  const end = Date.parse(`${to}T00:00:00Z`) + 48 * HOUR_MS;
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
