const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A valid `YYYY-MM-DD` calendar day, or throws naming the option. */
function parseDay(value: string | undefined, option: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!value || !DAY.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new Error(`--${option} must be a day YYYY-MM-DD`);
  return value;
}

/** `--from DAY --to DAY` of an operator command: both required, from ≤ to. */
export function parseDayRange(
  from: string | undefined,
  to: string | undefined,
): { from: string; to: string } {
  const range = { from: parseDay(from, 'from'), to: parseDay(to, 'to') };
  if (range.from > range.to) throw new Error('--from must not be after --to');
  return range;
}
