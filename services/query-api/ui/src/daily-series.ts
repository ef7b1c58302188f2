import { moneyToString, parseMoney } from './money.ts';

/** One day: its exact total spend and the spend of each value of the stacking dimension. */
export interface DayParts {
  date: string;
  total: string;
  parts: Record<string, string>;
}

export interface StackedDays {
  dates: string[];
  series: { name: string; values: string[] }[];
}

export const OTHER = 'other';

/**
 * Stacks days by their largest values over the whole range: at most `maxSeries` named series, and an
 * "other" series holding each day's remainder exactly (total minus the named ones), so every bar is as
 * tall as the day's spend even when a day lists only its top values. Days without data are zero.
 */
export function stackDays(days: readonly DayParts[], dates: readonly string[], maxSeries = 8): StackedDays {
  const byValue = new Map<string, bigint>();
  for (const day of days) {
    for (const [name, spend] of Object.entries(day.parts)) {
      byValue.set(name, (byValue.get(name) ?? 0n) + parseMoney(spend));
    }
  }
  const named = [...byValue.entries()]
    .sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] > b[1] ? -1 : 1))
    .slice(0, maxSeries)
    .map(([name]) => name);
  const byDate = new Map(days.map((d) => [d.date, d]));
  const series = named.map((name) => ({
    name,
    values: dates.map((date) => moneyToString(parseMoney(byDate.get(date)?.parts[name] ?? '0'))),
  }));
  const other = dates.map((date) => {
    const day = byDate.get(date);
    if (!day) return moneyToString(0n);
    const shown = named.reduce((sum, name) => sum + parseMoney(day.parts[name] ?? '0'), 0n);
    return moneyToString(parseMoney(day.total) - shown);
  });
  if (other.some((v) => parseMoney(v) !== 0n)) series.push({ name: OTHER, values: other });
  return { dates: [...dates], series };
}
