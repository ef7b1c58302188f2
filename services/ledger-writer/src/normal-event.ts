import {
  canonicalSpend,
  isApiKeyDigest,
  isoUtc,
  isStorableJson,
  isStorableText,
  MAX_METADATA_BYTES,
  MAX_TAGS,
  MAX_TOKENS,
  redactSecrets,
  type SpendEvent,
} from '@spend-ledger/contract';

/**
 * The writer's fast path past zod. Almost every event on the topic was produced by the gateway, so it
 * is already in the contract's normal form: SpendEventSchema.parse would return an equal object. This
 * recognises exactly that case, field by field, and hands the parsed object itself back; anything
 * else (a missing or extra field, a value zod would change, an invalid one) returns undefined and goes
 * through SpendEventSchema as before, which also writes the dead-letter reasons. It may only accept
 * what zod accepts AND leaves unchanged: normal-event.test.ts checks that against the schema. zod
 * was ~6% of the writer's CPU profile (its per-field closures and the datetime regexes).
 *
 * Keep it in step with packages/contract/src/spend-event.ts: a rule added there and not here makes
 * this accept an event zod refuses (the test's cases should then fail).
 */
export function asNormalEvent(value: unknown): SpendEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  if (Object.getPrototypeOf(e) !== Object.prototype) return undefined;
  let keys = 0;
  for (const _ in e) keys++;
  if (keys !== FIELDS) return undefined;
  const ok =
    requiredText(e.request_id, 128) &&
    instant(e.timestamp) &&
    (e.end_time === null || instant(e.end_time)) &&
    typeof e.api_key === 'string' &&
    (e.api_key === '' || isApiKeyDigest(e.api_key)) &&
    entityId(e.user_id) &&
    entityId(e.team_id) &&
    entityId(e.org_id) &&
    entityId(e.end_user_id) &&
    tags(e.tags) &&
    requiredText(e.model, 256) &&
    entityId(e.model_group) &&
    entityId(e.provider) &&
    tokens(e.prompt_tokens) &&
    tokens(e.completion_tokens) &&
    tokens(e.cache_read_input_tokens) &&
    tokens(e.cache_creation_input_tokens) &&
    requiredText(e.spend_source, 64) &&
    normalSpend(e.spend) &&
    (e.status === 'success' || e.status === 'failure') &&
    metadata(e.metadata);
  return ok ? (e as unknown as SpendEvent) : undefined;
}

/** The fields of a normal event (SpendEvent's keys, all present: null for an absent value). */
const FIELDS = 20;

const requiredText = (v: unknown, max: number): boolean =>
  typeof v === 'string' && v.length >= 1 && v.length <= max && isStorableText(v);

/** Normal form of an entity id: null, or non-empty text (zod turns '' into null). */
const entityId = (v: unknown): boolean => v === null || requiredText(v, 256);

const tokens = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TOKENS;

// The only timestamp spelling the schema leaves unchanged (ISO UTC with milliseconds, in the
// ledger's window): the contract's fast path reads it digit by digit, as the writer needs.
const instant = (v: unknown): boolean => isoUtc(v) !== undefined;

/** Normal spend: text already in canonical 12-decimal form (canonicalSpend returns it as is). */
function normalSpend(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const spend = canonicalSpend(v);
  return spend.ok && spend.text === v;
}

/** Normal tags: an array of distinct non-empty texts (zod deduplicates, so a repeat is not normal). */
function tags(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > MAX_TAGS) return false;
  for (let i = 0; i < v.length; i++) {
    if (!requiredText(v[i], 128)) return false;
    for (let j = 0; j < i; j++) if (v[j] === v[i]) return false;
  }
  return true;
}

/** Normal metadata: null, or a plain object that redaction leaves alone and that fits the bound. */
function metadata(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype)
    return false;
  const m = v as Record<string, unknown>;
  if (redactSecrets(m) !== m) return false;
  const json = JSON.stringify(m);
  return Buffer.byteLength(json) <= MAX_METADATA_BYTES && isStorableJson(json);
}
