import { createHash } from 'node:crypto';
import type { SpendEvent } from '@spend-ledger/contract';

// Computed once per event object: the writer's recent-id cache and the write path both need it.
const digests = new WeakMap<SpendEvent, string>();

/**
 * The digest of an event's canonical content: the first 16 bytes (hex) of the SHA-256 of every
 * field the ledger counts or attributes, in a fixed order, from the normalised event (spend as its
 * 12-decimal string, timestamps ISO UTC, tags sorted: their order means nothing). `metadata` is left
 * out: it is free-form annotation that neither counts nor attributes spend, and leaving it out keeps
 * the hash to a few hundred bytes per event on the writer's hot path. Two events with one request_id
 * and different digests are a conflict (the first one counts); equal digests are a redelivery.
 */
export function eventDigest(event: SpendEvent): string {
  let digest = digests.get(event);
  if (digest === undefined) {
    const canonical = JSON.stringify([
      event.request_id,
      event.timestamp,
      event.end_time,
      event.api_key,
      event.user_id,
      event.team_id,
      event.org_id,
      event.end_user_id,
      event.tags.length > 1 ? [...event.tags].sort() : event.tags,
      event.model,
      event.model_group,
      event.provider,
      event.prompt_tokens,
      event.completion_tokens,
      event.cache_read_input_tokens,
      event.cache_creation_input_tokens,
      event.spend,
      event.spend_source,
      event.status,
    ]);
    digest = createHash('sha256').update(canonical).digest().toString('hex', 0, 16);
    digests.set(event, digest);
  }
  return digest;
}
