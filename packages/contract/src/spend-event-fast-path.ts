import { normalizeApiKey } from './api-key.ts';
import { canonicalSpend } from './money.ts';
import { redactSecrets } from './redact-secrets.ts';
import {
  type BatchParseResult,
  MAX_METADATA_BYTES,
  MAX_TAGS,
  MAX_TOKENS,
  parseSpendEventBatch,
  type SpendEvent,
  SpendEventSchema,
} from './spend-event.ts';
import { isStorableText } from './storable-text.ts';

/**
 * A hand-written fast path for SpendEventSchema, which stays the source of truth. zod costs ~8–19 µs
 * per event on this machine, more than the gateway's JSON parsing and Kafka encoding of the event
 * together. The fast path accepts only the common, plain shape (a plain object, ISO UTC timestamps
 * with milliseconds, strings and numbers of the expected types) and returns exactly what zod
 * returns for it; for anything else, valid or not, it returns undefined and the caller asks zod,
 * which also writes every error message. It never refuses: a refusal is always zod's.
 * spend-event-fast-path.test.ts checks it against zod with generated inputs (fast-check).
 */

/** The schema's fields, in its order; the fast path knows exactly these. */
const FIELDS = [
  'request_id',
  'timestamp',
  'end_time',
  'api_key',
  'user_id',
  'team_id',
  'org_id',
  'end_user_id',
  'tags',
  'model',
  'model_group',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'spend_source',
  'spend',
  'status',
  'metadata',
] as const;

/**
 * If someone adds, removes or renames a field of the schema without teaching the fast path, the
 * fast path turns itself off (zod for every event: slower, never wrong); a unit test fails too.
 */
export const FAST_PATH_MATCHES_SCHEMA = (() => {
  const shape = (SpendEventSchema as unknown as { in?: { shape?: Record<string, unknown> } }).in?.shape;
  const keys = shape ? Object.keys(shape) : [];
  return keys.length === FIELDS.length && keys.every((k, i) => k === FIELDS[i]);
})();

/** A text of at most `max` UTF-16 units that Postgres can store (the schema's `text(max)`). */
const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length <= max && isStorableText(v);

/** The value of `length` ASCII digits of `v` from `at`, or -1 if any is not a digit. */
function digits(v: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * `v` if it is an instant as toISOString writes it (YYYY-MM-DDTHH:MM:SS.mmmZ, what toUtcIso in
 * spend-event.ts keeps as it is) on a real calendar day inside the ledger's window
 * [2000-01-01, 2200-01-01) UTC; otherwise undefined (offsets, other precisions: zod's). Read digit
 * by digit: Date.parse plus toISOString cost ~3 µs per timestamp.
 */
export function isoUtc(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length !== 24) return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':') return undefined;
  if (v[19] !== '.' || v[23] !== 'Z' || digits(v, 20, 3) < 0) return undefined;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  if (year < 2000 || year > 2199 || month < 1 || month > 12 || day < 1) return undefined;
  const days = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month] as number);
  if (day > days || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  return v;
}

// null marks "not on the fast path" for the optional ids, whose own null is a value.
const MISS = Symbol('miss');

/** The schema's entityId: absent, null and '' are null; otherwise storable text of ≤ 256. */
function entityId(v: unknown): string | null | typeof MISS {
  if (v === undefined || v === null || v === '') return null;
  return isText(v, 256) ? v : MISS;
}

/** The schema's token counts: an integer in [0, MAX_TOKENS], 0 when absent (null is an error). */
function tokens(v: unknown): number | undefined {
  if (v === undefined) return 0;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TOKENS ? v : undefined;
}

function tags(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_TAGS) return undefined;
  for (let i = 0; i < v.length; i++) {
    const tag: unknown = v[i];
    if (!isText(tag, 128) || tag.length === 0) return undefined;
  }
  return [...new Set(v as string[])];
}

/** JSON.stringify escapes both as \u0000 / \udXXX; Postgres jsonb refuses them (as the schema). */
export const isStorableJson = (json: string) => !json.includes('\\u0000') && !/\\ud[89a-f]/i.test(json);

/**
 * The schema's metadata: a plain object, redacted, within MAX_METADATA_BYTES of storable JSON.
 * A `__proto__` member (zod's record drops it) and any other prototype leave it to zod.
 */
function metadata(v: unknown): Record<string, unknown> | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) {
    return undefined;
  }
  if (Object.hasOwn(v, '__proto__')) return undefined;
  const redacted = redactSecrets(v as Record<string, unknown>);
  const json = JSON.stringify(redacted);
  // Byte length only matters near the limit: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (json.length * 3 > MAX_METADATA_BYTES && Buffer.byteLength(json) > MAX_METADATA_BYTES) return undefined;
  return isStorableJson(json) ? redacted : undefined;
}

/**
 * The event zod would return for `item`, or undefined when `item` is not of the plain common shape
 * (then SpendEventSchema decides, and explains any refusal). Unknown fields are dropped, as by zod.
 */
export function parseSpendEventFast(item: unknown): SpendEvent | undefined {
  if (!FAST_PATH_MATCHES_SCHEMA) return undefined;
  if (typeof item !== 'object' || item === null) return undefined;
  // A plain object (JSON.parse's) or one without a prototype: no inherited field can answer.
  const proto: unknown = Object.getPrototypeOf(item);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const e = item as Record<string, unknown>;
  const requestId = e.request_id;
  if (!isText(requestId, 128) || requestId.length === 0) return undefined;
  const timestamp = isoUtc(e.timestamp);
  if (timestamp === undefined) return undefined;
  let endTime: string | null = null;
  if (e.end_time !== undefined && e.end_time !== null) {
    const end = isoUtc(e.end_time);
    if (end === undefined) return undefined;
    endTime = end;
  }
  const apiKey = e.api_key;
  if (!isText(apiKey, 256)) return undefined;
  const userId = entityId(e.user_id);
  const teamId = entityId(e.team_id);
  const orgId = entityId(e.org_id);
  const endUserId = entityId(e.end_user_id);
  if (userId === MISS || teamId === MISS || orgId === MISS || endUserId === MISS) return undefined;
  const tagList = tags(e.tags);
  if (tagList === undefined) return undefined;
  const model = e.model;
  if (!isText(model, 256) || model.length === 0) return undefined;
  const modelGroup = entityId(e.model_group);
  const provider = entityId(e.provider);
  if (modelGroup === MISS || provider === MISS) return undefined;
  const promptTokens = tokens(e.prompt_tokens);
  const completionTokens = tokens(e.completion_tokens);
  const cacheRead = tokens(e.cache_read_input_tokens);
  const cacheCreation = tokens(e.cache_creation_input_tokens);
  if (
    promptTokens === undefined ||
    completionTokens === undefined ||
    cacheRead === undefined ||
    cacheCreation === undefined
  ) {
    return undefined;
  }
  let spendSource = e.spend_source;
  if (spendSource === undefined) spendSource = 'sender';
  else if (!isText(spendSource, 64) || spendSource.length === 0) return undefined;
  const rawSpend = e.spend;
  if (!(typeof rawSpend === 'number' || (typeof rawSpend === 'string' && rawSpend.length <= 64))) {
    return undefined;
  }
  const spend = canonicalSpend(rawSpend);
  if (!spend.ok) return undefined;
  let status = e.status;
  if (status === undefined) status = 'success';
  else if (status !== 'success' && status !== 'failure') return undefined;
  const meta = metadata(e.metadata);
  if (meta === undefined) return undefined;
  return {
    request_id: requestId,
    timestamp,
    end_time: endTime,
    api_key: normalizeApiKey(apiKey),
    user_id: userId,
    team_id: teamId,
    org_id: orgId,
    end_user_id: endUserId,
    tags: tagList,
    model,
    model_group: modelGroup,
    provider,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
    spend_source: spendSource as string,
    spend: spend.text,
    status: status as 'success' | 'failure',
    metadata: meta,
  };
}

/**
 * parseSpendEventBatch with the fast path: the same result for every batch. A batch whose every
 * item is of the plain shape never reaches zod; any other goes to parseSpendEventBatch whole, so
 * refusals, their order and their wording are zod's.
 */
export function parseSpendEventBatchFast(items: readonly unknown[]): BatchParseResult {
  const events: SpendEvent[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const event = parseSpendEventFast(items[i]);
    if (event === undefined) return parseSpendEventBatch(items);
    events[i] = event;
  }
  return { ok: true, events };
}

const FIELD_NAMES: ReadonlySet<string> = new Set(FIELDS);

/**
 * Whether `item` (an event as a client sent it) already is `event`, the contract's reading of it, up
 * to fields it leaves out that the contract fills with defaults: nothing was dropped (an unknown
 * field), hashed (a raw api key), redacted (metadata), de-duplicated (tags) or rewritten (spend not
 * in canonical text, '' for an id, an offset timestamp). Then the JSON text the client sent can
 * travel as it is: every reader validates it to this same event, and it carries nothing the ledger
 * would not store. The gateway uses it to skip re-serialising such events (docs/decisions.md,
 * "Events travel as they were sent when already normal").
 */
export function isSentInNormalForm(item: unknown, event: SpendEvent): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  const sent = item as Record<string, unknown>;
  const normal = event as unknown as Record<string, unknown>;
  for (const key in sent) {
    if (!FIELD_NAMES.has(key)) return false;
    const value = sent[key];
    if (value === normal[key]) continue;
    if (key === 'tags' && Array.isArray(value) && sameStrings(value, event.tags)) continue;
    return false;
  }
  return true;
}

function sameStrings(a: readonly unknown[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
