import {
  formatSpend,
  type SpendEvent,
  type SpendEventInput,
  SpendEventSchema,
  spendToUnits,
} from '@spend-ledger/contract';
import { seededRandom } from '@spend-ledger/testing';

/** Exact expected figures, computed event by event in the test (bigint spend), never by the ledger. */
export interface ExpectedFigures {
  spend: string;
  prompt_tokens: number;
  completion_tokens: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
}

interface Acc {
  units: bigint;
  prompt: number;
  completion: number;
  requests: number;
  ok: number;
  failed: number;
}

const figures = (a: Acc): ExpectedFigures => ({
  spend: formatSpend(a.units),
  prompt_tokens: a.prompt,
  completion_tokens: a.completion,
  api_requests: a.requests,
  successful_requests: a.ok,
  failed_requests: a.failed,
});

/** The local calendar date (YYYY-MM-DD) of an instant in an IANA zone, by ICU, not by Postgres. */
export function localDate(instant: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

const formats = new Map<string, Intl.DateTimeFormat>();
const parsed = new WeakMap<SpendEventInput, SpendEvent>();

/** Sums events grouped by `keyOf` (events for which it returns undefined are left out). */
export function expectedBy(
  events: readonly SpendEventInput[],
  keyOf: (e: SpendEvent) => string | string[] | undefined,
): Map<string, ExpectedFigures> {
  const acc = new Map<string, Acc>();
  for (const input of events) {
    let e = parsed.get(input);
    if (!e) {
      e = SpendEventSchema.parse(input);
      parsed.set(input, e);
    }
    const keys = keyOf(e);
    for (const key of keys === undefined ? [] : Array.isArray(keys) ? keys : [keys]) {
      let a = acc.get(key);
      if (!a) {
        a = { units: 0n, prompt: 0, completion: 0, requests: 0, ok: 0, failed: 0 };
        acc.set(key, a);
      }
      a.units += spendToUnits(e.spend);
      a.prompt += e.prompt_tokens;
      a.completion += e.completion_tokens;
      a.requests += 1;
      if (e.status === 'success') a.ok += 1;
      else a.failed += 1;
    }
  }
  return new Map([...acc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, figures(v)]));
}

/** Deterministic pseudo-random numbers: the workload generator's own. */
export const seeded = seededRandom;

/** A spend with 12 random decimals, as a string. */
export const randomSpend = (next: () => number) =>
  `${Math.floor(next() * 3)}.${String(Math.floor(next() * 1e12)).padStart(12, '0')}`;
