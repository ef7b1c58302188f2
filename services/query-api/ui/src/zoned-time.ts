/**
 * Calendar arithmetic in an IANA zone with nothing but Intl: the API's days run from local midnight
 * to local midnight, and the log filter needs those instants.
 */
const parts = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = parts.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    parts.set(timeZone, format);
  }
  return format;
}

function wallClock(instant: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return out;
}

/** Milliseconds the zone is ahead of UTC at an instant. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year!, w.month! - 1, w.day!, w.hour!, w.minute!, w.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const isDate = (text: string): boolean => DATE.test(text) && !Number.isNaN(Date.parse(text));

/** The UTC instant of local midnight starting `date` in `timeZone`. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [, y, m, d] = DATE.exec(date) ?? [];
  const guess = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);
  return new Date(second);
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 1000; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Today's date in the zone, YYYY-MM-DD. */
export function todayIn(timeZone: string, now = Date.now()): string {
  const w = wallClock(now, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** An instant as local date and time in the zone, in the reader's locale. */
export function formatInstant(iso: string, timeZone: string, locale?: string): string {
  return new Date(iso).toLocaleString(locale, { timeZone, dateStyle: 'medium', timeStyle: 'medium' });
}
