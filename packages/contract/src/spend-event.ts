import { z } from 'zod';
import { normalizeApiKey } from './api-key.ts';
import { canonicalSpend } from './money.ts';
import { redactSecrets } from './redact-secrets.ts';
import { isStorableText } from './storable-text.ts';
import { instantInRange } from './time-bounds.ts';

/** Version of the event contract carried in a Kafka header, so a future v2 can be told apart. */
export const CONTRACT_VERSION = '1';
export const MAX_TAGS = 64;
export const MAX_METADATA_BYTES = 16 * 1024;
/** Largest token count one event may carry; per-event counts fit Postgres integer. */
export const MAX_TOKENS = 2_147_483_647;

/**
 * Text Postgres can store: no NUL character and no lone UTF-16 surrogate. Either would make the
 * ledger's insert fail for ever, turning one event into a poison batch.
 */
const text = (max: number) =>
  z.string().max(max).refine(isStorableText, {
    error: 'must not contain NUL characters or unpaired surrogates',
  });

const entityId = text(256)
  .nullish()
  // '' and null mean the same thing: no such entity (aggregates key absent values as '').
  .transform((v) => (v ? v : null));

// The ledger's window (time-bounds.ts): year 0000 would pass the RFC 3339 check but be refused by
// Postgres, which would wedge the writer on that batch for ever.
const dateTime = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' })
  .refine(
    (v) => {
      const ms = Date.parse(v);
      // Not a date at all: the format check above already says so, once.
      return Number.isNaN(ms) || instantInRange(ms);
    },
    { error: 'must be between 2000-01-01 and 2199-12-31' },
  );
const tokens = z.number().int().min(0).max(MAX_TOKENS).default(0);

// An ISO UTC timestamp with milliseconds, as toISOString writes it: already normal, no Date needed.
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const toUtcIso = (value: string) => (ISO_UTC.test(value) ? value : new Date(value).toISOString());

// JSON.stringify escapes both as \u0000 / \udXXX; Postgres jsonb refuses them.
const isStorableJson = (json: string) => !json.includes('\\u0000') && !/\\ud[89a-f]/i.test(json);

/**
 * Contract v1 of a spend event, the one source of truth shared by the gateway (validation) and the
 * ledger writer (decoding). Parsing normalises: spend becomes a fixed 12-decimal string, timestamps
 * ISO UTC, api keys their SHA-256 (unless already a digest), empty ids null, tags deduplicated,
 * secrets in metadata redacted. Parsing an already
 * normalised event returns it unchanged, so the writer can re-validate what the gateway produced.
 * Unknown fields are dropped: gateways such as LiteLLM send many fields the ledger does not keep.
 */
export const SpendEventSchema = z
  .object({
    request_id: text(128).pipe(z.string().min(1)),
    timestamp: dateTime,
    end_time: dateTime.nullish(),
    /**
     * The virtual key's hash or alias. `""` means a request made without a virtual key (LiteLLM logs
     * such requests with an empty api_key): it counts for every other entity, and no key entity.
     */
    api_key: text(256),
    user_id: entityId,
    team_id: entityId,
    org_id: entityId,
    end_user_id: entityId,
    tags: z
      .array(text(128).pipe(z.string().min(1)))
      .max(MAX_TAGS)
      .nullish()
      .transform((tags) => [...new Set(tags ?? [])]),
    model: text(256).pipe(z.string().min(1)),
    model_group: entityId,
    provider: entityId,
    prompt_tokens: tokens,
    completion_tokens: tokens,
    /** Prompt tokens served from the provider's prompt cache (LiteLLM's cache_read_input_tokens). */
    cache_read_input_tokens: tokens,
    /** Prompt tokens written to the provider's prompt cache (LiteLLM's cache_creation_input_tokens). */
    cache_creation_input_tokens: tokens,
    /**
     * Where `spend` came from: `sender` (the event carried it) or `price-map@<version>` when the
     * gateway priced an event that arrived with tokens but no cost.
     */
    spend_source: text(64).pipe(z.string().min(1)).default('sender'),
    spend: z
      .union([z.string().max(64), z.number()], { error: 'must be a decimal string or a number' })
      .transform((value, ctx) => {
        const spend = canonicalSpend(value);
        if (spend.ok) return spend.text;
        ctx.addIssue({ code: 'custom', message: spend.reason });
        return z.NEVER;
      }),
    status: z.enum(['success', 'failure']).default('success'),
    metadata: z
      .record(z.string(), z.unknown())
      .nullish()
      // Proxies forward headers and error texts in metadata, and /v1/logs serves it to every reader.
      .transform((m) => (m ? redactSecrets(m) : null))
      .superRefine((m, ctx) => {
        if (m === null) return;
        const json = JSON.stringify(m);
        if (Buffer.byteLength(json) > MAX_METADATA_BYTES) {
          ctx.addIssue({
            code: 'custom',
            message: `must serialise to at most ${MAX_METADATA_BYTES} bytes of JSON`,
          });
        } else if (!isStorableJson(json)) {
          ctx.addIssue({ code: 'custom', message: 'must not contain NUL characters or unpaired surrogates' });
        }
      }),
  })
  .transform((event) => ({
    ...event,
    timestamp: toUtcIso(event.timestamp),
    end_time: event.end_time ? toUtcIso(event.end_time) : null,
    api_key: normalizeApiKey(event.api_key),
  }));

export type SpendEventInput = z.input<typeof SpendEventSchema>;
export type SpendEvent = z.output<typeof SpendEventSchema>;

/** One problem with one event of a batch; `field` is a dotted path such as `tags.3`. */
export interface EventIssue {
  index: number;
  field: string;
  message: string;
}

export type BatchParseResult = { ok: true; events: SpendEvent[] } | { ok: false; issues: EventIssue[] };

/** Stop listing problems past this many: a 1,000-event batch of garbage needs no 10,000-line answer. */
const MAX_REPORTED_ISSUES = 100;

/** Validates a whole batch; all-or-nothing, reporting each bad event's index and field. */
export function parseSpendEventBatch(items: readonly unknown[]): BatchParseResult {
  const events: SpendEvent[] = [];
  const issues: EventIssue[] = [];
  items.forEach((item, index) => {
    const result = SpendEventSchema.safeParse(item);
    if (result.success) {
      events.push(result.data);
      return;
    }
    for (const issue of result.error.issues) {
      if (issues.length < MAX_REPORTED_ISSUES) {
        issues.push({ index, field: issue.path.join('.') || '(event)', message: issue.message });
      }
    }
  });
  return issues.length === 0 ? { ok: true, events } : { ok: false, issues };
}

/** The UTC calendar day (YYYY-MM-DD) an event's spend is booked on. */
export function spendDay(event: Pick<SpendEvent, 'timestamp'>): string {
  return event.timestamp.slice(0, 10);
}
