import { createHash } from 'node:crypto';

/**
 * Values that look like a raw secret rather than a key's hash or alias. LiteLLM virtual keys and
 * most provider keys start with `sk-` (sk-proj-, sk-ant-, ...).
 */
const RAW_SECRET = /^sk-[A-Za-z0-9_-]{4,}/;

/**
 * Returns the api_key as the ledger stores it: a raw secret becomes its SHA-256 hex digest (the form
 * LiteLLM keeps in LiteLLM_VerificationToken.token, so ledger keys join with the proxy's own table);
 * a hash or alias is kept as is. Idempotent: a digest never looks like a raw secret.
 */
export function normalizeApiKey(value: string): string {
  return RAW_SECRET.test(value) ? createHash('sha256').update(value).digest('hex') : value;
}
