import { formatSpend, MAX_TAGS, roundSpend } from '@spend-ledger/contract';

/** Readers for the loosely typed fields of LiteLLM's payloads; none of them throws. */

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const record = (v: unknown): Json => (isRecord(v) ? v : {});

/** A non-empty string, else null: LiteLLM writes "" and null alike for "none". */
export const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The first non-empty string among candidates. */
export const firstText = (...candidates: unknown[]): string | null => {
  for (const c of candidates) {
    const t = text(c);
    if (t !== null) return t;
  }
  return null;
};

/** A token count: a non-negative number (integral part), or 0 for null, absent or nonsense. */
export const tokens = (v: unknown): number => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.trunc(n) : 0;
};

// "2025-01-24 09:20:46.847371" (Python str(datetime)), "2025-01-24T09:20:46.847371+00:00"
// (isoformat()), "...Z", with or without fraction and zone; no zone means UTC.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * LiteLLM's startTime/endTime as ISO UTC, or null. StandardLoggingPayload has Unix epoch seconds
 * (a float); spend-log rows have isoformat() text; older payloads str(datetime) without a zone, which
 * LiteLLM means as UTC.
 */
export function parseLiteLLMTime(value: unknown): string | null {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
    const ms = Math.round(Number(value) * 1000);
    return Number.isFinite(ms) ? isoOrNull(ms) : null;
  }
  if (typeof value !== 'string') return null;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(
    fields[0],
    fields[1] - 1,
    fields[2],
    fields[3],
    fields[4],
    fields[5],
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  const date = new Date(ms);
  // Date.UTC rolls 2025-02-30 over into March: refuse instead.
  if (
    date.getUTCMonth() !== fields[1] - 1 ||
    date.getUTCDate() !== fields[2] ||
    fields[3] > 23 ||
    fields[4] > 59 ||
    fields[5] > 59
  ) {
    return null;
  }
  return isoOrNull(ms - zoneOffsetMs(zone));
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

function isoOrNull(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const MAX_TAG_LENGTH = 128;

/** Cuts text to max UTF-16 units without leaving half a surrogate pair. */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = /[\ud800-\udbff]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return value.slice(0, end);
}

/**
 * request_tags: a list (StandardLoggingPayload) or its JSON text (spend-log rows). LiteLLM adds
 * "User-Agent: ..." tags that can exceed the contract's 128 characters, so tags are cut rather than
 * refused, deduplicated, and at most the contract's 64 kept; anything unreadable means no tags.
 */
export function readTags(value: unknown): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  const tags = new Set<string>();
  for (const tag of list) {
    if (typeof tag === 'string' && tag !== '' && tags.size < MAX_TAGS) tags.add(cut(tag, MAX_TAG_LENGTH));
  }
  return [...tags];
}

/** A JSON object that LiteLLM may have serialised to a string (spend-log `metadata`). */
export function readObject(value: unknown): Json {
  if (typeof value !== 'string') return record(value);
  try {
    return record(JSON.parse(value));
  } catch {
    return {};
  }
}

export interface CacheTokens {
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/**
 * Prompt-cache tokens from the first usage object that has any: LiteLLM's Usage carries Anthropic's
 * `cache_read_input_tokens` / `cache_creation_input_tokens` at top level and OpenAI's
 * `prompt_tokens_details.cached_tokens`. The same figures LiteLLM's own daily tables read from
 * metadata.usage_object.
 */
export function readCacheTokens(...usages: unknown[]): CacheTokens {
  for (const candidate of usages) {
    if (!isRecord(candidate)) continue;
    const details = record(candidate.prompt_tokens_details);
    const read = tokens(candidate.cache_read_input_tokens) || tokens(details.cached_tokens);
    const creation = tokens(candidate.cache_creation_input_tokens) || tokens(details.cache_creation_tokens);
    if (read || creation) return { cache_read_input_tokens: read, cache_creation_input_tokens: creation };
  }
  return { cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
}

export type CostReading = { spend: string | undefined } | { error: string };

/**
 * LiteLLM's cost (a float with noise) as the contract's 12-decimal text, rounded half-even; undefined
 * when the gateway must price it: no cost at all, or 0 where LiteLLM says it could not price the
 * call (response_cost_failure_debug_info). A cache hit costs 0 whatever it says.
 */
export function readCost(
  value: unknown,
  options: { cacheHit: boolean; senderCouldNotPrice: boolean },
): CostReading {
  if (options.cacheHit && (value === null || value === undefined)) return { spend: formatSpend(0n) };
  if (value === null || value === undefined) return { spend: undefined };
  if (typeof value !== 'number' && typeof value !== 'string') return { error: 'must be a number' };
  const rounded = roundSpend(value);
  if (!rounded.ok) return { error: rounded.reason };
  if (rounded.units === 0n && options.senderCouldNotPrice && !options.cacheHit) return { spend: undefined };
  return { spend: formatSpend(rounded.units) };
}

const MAX_TEXT = 512;

/**
 * A copy of a JSON value fit for the ledger's metadata: strings cut to 512 characters, NUL and lone
 * surrogates (which Postgres refuses) replaced, nulls dropped. Bounded by the parsed body's depth.
 */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') return cut(value.replaceAll('\u0000', '\ufffd').toWellFormed(), MAX_TEXT);
  if (Array.isArray(value)) return value.map(storable);
  if (isRecord(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[storable(k) as string] = storable(v);
    }
    return out;
  }
  return value;
}
