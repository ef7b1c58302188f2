/** IANA names: letters first, then letters, digits, _ + - in /-separated parts (Etc/GMT+5, America/Port-au-Prince). */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

const UTC_ALIASES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'GMT',
  'Etc/Zulu',
  'Zulu',
  'Etc/Universal',
  'Universal',
]);

/**
 * The time zone to query with, or undefined when `name` is not an IANA time zone name. Offsets such
 * as "+05:30" and POSIX strings such as "UTC+5" are refused: Postgres reads the latter with the sign
 * inverted. UTC and its aliases (Etc/UTC, GMT, Zulu, any case) come back as "UTC"; any other name as
 * given (Postgres and ICU both know Asia/Kolkata and its old name Asia/Calcutta).
 *
 * @example queryTimeZone('etc/utc') // 'UTC'
 */
export function queryTimeZone(name: string): string | undefined {
  if (!IANA_NAME.test(name) || name.length > 64) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    return UTC_ALIASES.has(resolved) ? 'UTC' : name;
  } catch {
    return undefined;
  }
}
