import { createHash } from 'node:crypto';

/** A SHA-256 hex digest: the only form of api_key the ledger stores (LiteLLM_VerificationToken.token). */
const DIGEST = /^[0-9a-f]{64}$/;
const DIGEST_ANY_CASE = /^[0-9a-fA-F]{64}$/;

/** Whether a value is a SHA-256 hex digest in the ledger's spelling (64 lower-case hex digits). */
export function isApiKeyDigest(value: string): boolean {
  return DIGEST.test(value);
}

/**
 * Returns the api_key as the ledger stores it, by one rule that cannot leak a secret: a SHA-256 hex
 * digest is kept (lower-cased), and anything else (`sk-…` of any length, `Bearer sk-…`, padded
 * values, aliases, provider keys) is replaced by the SHA-256 hex of its exact UTF-8 bytes. Guessing
 * which spellings are secret was how `sk-ab` and `Bearer sk-…` ended up stored raw (issue 9).
 * `""` stays `""`: it means "no virtual key". Idempotent: a digest stays itself.
 *
 * The digest of a raw `sk-…` key is the form LiteLLM keeps in LiteLLM_VerificationToken.token, so
 * ledger keys join with the proxy's own table; the query API applies the same function to every key
 * it is asked about, so a raw key finds its spend.
 *
 * @example normalizeApiKey('sk-ab') // '3d0c…' (64 hex digits)
 */
export function normalizeApiKey(value: string): string {
  if (value === '' || DIGEST.test(value)) return value;
  if (DIGEST_ANY_CASE.test(value)) return value.toLowerCase();
  return createHash('sha256').update(value).digest('hex');
}
